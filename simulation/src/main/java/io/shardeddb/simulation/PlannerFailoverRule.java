package io.shardeddb.simulation;

import io.shardeddb.operator.failover.Candidate;
import io.shardeddb.operator.failover.FailoverDecision;
import io.shardeddb.operator.failover.FailoverPlanner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator's real {@link FailoverPlanner}, fed only with answers to the fence of the new epoch
 * (a replica that is copying is answered but not eligible, and does not count toward the majority).
 */
final class PlannerFailoverRule implements FailoverRule {
  private final FailoverPlanner planner = new FailoverPlanner();

  @Override
  public Optional<String> choose(List<Messages.FenceAck> answers, int replicas) {
    List<Candidate> candidates =
        answers.stream()
            .filter(a -> !a.copying())
            .map(
                a ->
                    new Candidate(
                        a.name(),
                        a.epoch(),
                        a.lastEntryEpoch(),
                        a.lastLsn(),
                        Duration.ZERO,
                        0,
                        true))
            .toList();
    long epoch = answers.stream().mapToLong(Messages.FenceAck::epoch).max().orElse(0);
    FailoverDecision d = planner.plan(epoch - 1, replicas, candidates);
    return d instanceof FailoverDecision.Promote p ? Optional.of(p.pod()) : Optional.empty();
  }
}
