package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner may know about one shard, as plain values: the spec's replica count and
 * settings, the previous status, the shard's members (pods of its StatefulSet not being deleted)
 * and the heartbeats that answered, the time of the pass, and the pods a pending request names:
 * {@code promoteTo} (a planned switch-over) and {@code rebuild} (a requested re-copy), null when
 * none. Built by {@link #of} from what the reconciler observed; a simulator builds it directly.
 */
public record ShardObservation(
    String shardId,
    ShardConfigRequest config,
    int desiredReplicas,
    WriteQuorum writeQuorum,
    Duration primaryUnavailableAfter,
    ShardStatus previous,
    List<Member> members,
    Map<String, TimedHeartbeat> beats,
    Instant now,
    String promoteTo,
    String rebuild) {

  /** An observation with no pending request. */
  public ShardObservation(
      String shardId,
      ShardConfigRequest config,
      int desiredReplicas,
      WriteQuorum writeQuorum,
      Duration primaryUnavailableAfter,
      ShardStatus previous,
      List<Member> members,
      Map<String, TimedHeartbeat> beats,
      Instant now) {
    this(
        shardId,
        config,
        desiredReplicas,
        writeQuorum,
        primaryUnavailableAfter,
        previous,
        members,
        beats,
        now,
        null,
        null);
  }

  /** This observation with a pending switch-over to {@code pod}. */
  public ShardObservation promoting(String pod) {
    return new ShardObservation(
        shardId,
        config,
        desiredReplicas,
        writeQuorum,
        primaryUnavailableAfter,
        previous,
        members,
        beats,
        now,
        pod,
        rebuild);
  }

  /** This observation with a pending rebuild of {@code pod}. */
  public ShardObservation rebuilding(String pod) {
    return new ShardObservation(
        shardId,
        config,
        desiredReplicas,
        writeQuorum,
        primaryUnavailableAfter,
        previous,
        members,
        beats,
        now,
        promoteTo,
        pod);
  }

  /**
   * One pod of the shard: name, StatefulSet ordinal, shard-server URL, readiness, history, and
   * whether it waits to be replaced (a roll onto a new template, or a rolling rebuild onto a larger
   * volume).
   */
  public record Member(
      String name,
      int ordinal,
      String url,
      boolean ready,
      int restarts,
      Duration uptime,
      boolean outdated) {

    /** A member on the StatefulSet's current template. */
    public Member(
        String name, int ordinal, String url, boolean ready, int restarts, Duration uptime) {
      this(name, ordinal, url, ready, restarts, uptime, false);
    }
  }

  /** The observation of one pass from the reconciler's context. */
  public static ShardObservation of(ShardContext ctx) {
    List<Member> members =
        ctx.pods().stream()
            .filter(p -> p.ordinal() >= 0 && !p.terminating())
            .sorted(Comparator.comparingInt(PodView::ordinal))
            .map(
                p ->
                    new Member(
                        p.name(),
                        p.ordinal(),
                        p.url(),
                        p.ready(),
                        p.restarts(),
                        uptime(p.pod(), ctx.now()),
                        PodView.outdated(p, ctx.updateRevision())
                            || ctx.awaitingVolume().contains(p.name())))
            .toList();
    ShardStatus previous =
        ctx.previous() != null
            ? ctx.previous()
            : new ShardStatus(ctx.shardId(), null, null, null, null, List.of());
    return new ShardObservation(
        ctx.shardId(),
        ctx.config(),
        ctx.desiredReplicas(),
        ctx.writeQuorum(),
        ctx.primaryUnavailableAfter(),
        previous,
        members,
        Map.copyOf(ctx.heartbeats()),
        ctx.now(),
        ctx.promoteTo(),
        ctx.rebuild());
  }

  /** The member of this name. */
  public Optional<Member> member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** This member's heartbeat, or null when it did not answer. */
  public Heartbeat beat(String name) {
    TimedHeartbeat t = beats.get(name);
    return t == null ? null : t.heartbeat();
  }

  private static Duration uptime(Pod pod, Instant now) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getStartTime() == null) {
      return Duration.ZERO;
    }
    try {
      Duration d = Duration.between(Instant.parse(pod.getStatus().getStartTime()), now);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (java.time.format.DateTimeParseException e) {
      return Duration.ZERO;
    }
  }
}
