package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.topology.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How many pods a shard's StatefulSet keeps when the spec lowers its replica count (DESIGN §5 rule
 * 12). Writes acknowledged before the change may sit on a majority of the old membership that the
 * staying replicas alone do not form (5 → 3: acknowledged by pods 0, 3 and 4). So the leaving pods
 * stay until the primary reports that its quorum is the new one — counted over the spec's count,
 * replicating to staying replicas only — and that its term's first entry under that quorum is on a
 * majority of it: the staying replicas then hold every entry before it, which includes every write
 * any earlier quorum acknowledged — and that the status records the smaller voting count (the shard
 * loop records it once it sees that confirmation): decide and record first, remove in a later pass,
 * so an election never counts voters whose pods are gone. Until then the leaving pods keep their
 * data and vote in elections ({@link ShardPlanner#elect}). Pods past the recorded voting count
 * (learners, or voters of a shrink already recorded) go at once. Pure.
 */
public final class ResizeGate {
  /** What the gate decided for one shard: the pods to keep, and why when more than the spec's. */
  public record Decision(int pods, String waiting) {}

  private ResizeGate() {}

  /** The pods to keep for a shard of {@code desired} replicas, given what was observed. */
  public static Decision decide(
      int desired, List<PodView> pods, Map<String, TimedHeartbeat> beats, ShardStatus previous) {
    int highest = pods.stream().mapToInt(PodView::ordinal).max().orElse(-1);
    if (highest + 1 <= desired) {
      return new Decision(desired, null);
    }
    int keep = highest + 1;
    Integer recorded = previous == null ? null : previous.voters();
    int voters = recorded != null && recorded > 0 ? recorded : keep;
    if (voters <= desired) {
      // The pods past the spec's count are learners that never voted (rule 12): no write was
      // acknowledged on their account, so they may go at once.
      return new Decision(desired, null);
    }
    String primary = previous == null ? null : previous.primary();
    Optional<PodView> primaryPod = pods.stream().filter(p -> p.name().equals(primary)).findFirst();
    if (primaryPod.isEmpty() || primaryPod.get().ordinal() >= desired) {
      return new Decision(
          keep,
          "keeping "
              + keep
              + " pods until a staying replica is primary (the primary "
              + primary
              + " is being removed)");
    }
    Heartbeat h =
        Optional.ofNullable(beats.get(primary)).map(TimedHeartbeat::heartbeat).orElse(null);
    QuorumState q = h == null ? null : h.quorum();
    if (h == null
        || h.role() != Role.Primary
        || previous.epoch() == null
        || h.epoch() != previous.epoch()
        || q == null) {
      return new Decision(
          keep, "keeping " + keep + " pods until the primary " + primary + " reports its quorum");
    }
    Set<String> staying =
        pods.stream()
            .filter(p -> p.ordinal() < desired)
            .map(PodView::name)
            .collect(Collectors.toSet());
    boolean moved = q.replicas() == desired && staying.containsAll(q.voters());
    if (!moved || !q.termCommitted()) {
      return new Decision(
          keep,
          "keeping "
              + keep
              + " pods until the staying replicas hold every acknowledged write (primary "
              + primary
              + (moved
                  ? ": its quorum of " + desired + " has not confirmed its log yet)"
                  : ": quorum still counted over " + q.replicas() + " replicas)"));
    }
    // Moved and confirmed: the shard loop records the smaller voting set in this pass
    // (ShardRepair, VotingSet.shrinkConfirmed); the pods go in a pass after that record, never
    // before. Removed first, a pass whose shard loop did not record it (the primary judged
    // unavailable, the operator restarted) left elections counting the old five over three pods,
    // and with one of them empty no election could pass (the simulator, seeds 21824 and 22958).
    return new Decision(
        keep,
        "keeping "
            + keep
            + " pods until the smaller voting set of "
            + desired
            + " is recorded (primary "
            + primary
            + " counts its quorum over it, confirmed)");
  }
}
