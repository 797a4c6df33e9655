package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner may know about one shard, as plain values: the spec's replica count and
 * settings, the previous status, the shard's members (pods of its StatefulSet not being deleted)
 * and the heartbeats that answered, the time of the pass, and the pods a pending request names:
 * {@code promoteTo} (a planned switch-over) and {@code rebuild} (a requested re-copy), null when
 * none. The operator builds it from what it observed ({@code ShardContext.observation()}); a
 * simulator builds it directly.
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
   * One pod of the shard: name, StatefulSet ordinal, shard-server URL, readiness, history, whether
   * it waits to be replaced (a roll onto a new template, or a rolling rebuild onto a larger
   * volume), and whether the user fenced it ({@code shardeddb.io/fenced-pods}, {@link Fencing}): a
   * fenced pod is never made primary by a planned switch-over, and a fenced primary hands over.
   */
  public record Member(
      String name,
      int ordinal,
      String url,
      boolean ready,
      int restarts,
      Duration uptime,
      boolean outdated,
      boolean fenced) {

    /** A member the user did not fence. */
    public Member(
        String name,
        int ordinal,
        String url,
        boolean ready,
        int restarts,
        Duration uptime,
        boolean outdated) {
      this(name, ordinal, url, ready, restarts, uptime, outdated, false);
    }

    /** This member, fenced or not. */
    public Member withFenced(boolean value) {
      return new Member(name, ordinal, url, ready, restarts, uptime, outdated, value);
    }

    /** A member on the StatefulSet's current template. */
    public Member(
        String name, int ordinal, String url, boolean ready, int restarts, Duration uptime) {
      this(name, ordinal, url, ready, restarts, uptime, false);
    }
  }

  /** This observation with the members named by {@code fenced} marked fenced. */
  public ShardObservation withFenced(Fencing.Fenced fenced) {
    if (fenced == null || fenced.isEmpty()) {
      return this;
    }
    return new ShardObservation(
        shardId,
        config,
        desiredReplicas,
        writeQuorum,
        primaryUnavailableAfter,
        previous,
        members.stream().map(m -> m.withFenced(fenced.fences(m.name()))).toList(),
        beats,
        now,
        promoteTo,
        rebuild);
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
}
