package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.api.v1alpha1.ReplicaStatus;
import io.shardeddb.operator.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.failover.Candidate;
import io.shardeddb.operator.failover.FailoverDecision;
import io.shardeddb.operator.failover.FailoverPlanner;
import io.shardeddb.operator.recopy.RecopyDecision;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one shard's replicas towards the recorded roles, one short pass per reconcile: bring-up
 * ({@code /config}, {@code /role} with pod-0 primary at epoch 1), role repair, failover through the
 * {@link FailoverPlanner}, re-copy through the {@link RecopyPolicy}; then reports the shard's
 * status. It never waits: what is not possible yet is left for the next pass.
 */
public final class ShardCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);

  private final ShardServerClient client;
  private final FailoverPlanner planner;
  private final RecopyPolicy recopy;
  private final EventRecorder events;

  /** A coordinator calling shard-servers through {@code client}. */
  public ShardCoordinator(
      ShardServerClient client,
      FailoverPlanner planner,
      RecopyPolicy recopy,
      EventRecorder events) {
    this.client = client;
    this.planner = planner;
    this.recopy = recopy;
    this.events = events;
  }

  /** One pass over a shard. */
  public ShardOutcome coordinate(ShardContext ctx) {
    ShardStatus prev =
        ctx.previous() != null
            ? ctx.previous()
            : new ShardStatus(ctx.shardId(), null, null, null, null, List.of());
    Map<String, PodView> members = members(ctx);
    Map<String, Heartbeat> hb = new HashMap<>();
    ctx.heartbeats().forEach((pod, t) -> hb.put(pod, t.heartbeat()));

    long epoch = prev.epochOrZero();
    String primary = prev.primary();
    if (epoch == 0) {
      Optional<Heartbeat> adopted =
          hb.values().stream()
              .filter(h -> h.role() == Role.Primary && h.epoch() > 0)
              .max(Comparator.comparingLong(Heartbeat::epoch));
      if (adopted.isPresent()) {
        // The status was lost (e.g. the resource was restored); the replicas remember.
        epoch = adopted.get().epoch();
        primary = adopted.get().name();
      } else {
        return bringUp(ctx, prev, members, hb);
      }
    }

    String since = prev.primaryUnavailableSince();
    ShardPhase phase = ShardPhase.Ready;
    String message = "primary " + primary + " at epoch " + epoch;
    PodView primaryPod = members.get(primary);
    Heartbeat primaryBeat = hb.get(primary);
    // Right after bring-up the kubelet may not have seen the new primary ready yet; a primary
    // that says it serves and was never reported ready is starting, not failed.
    boolean starting =
        primaryBeat != null
            && primaryBeat.role() == Role.Primary
            && primaryBeat.state() == ReplicaState.Ready
            && primaryBeat.epoch() == epoch
            && prev.replica(primary).map(r -> !Boolean.TRUE.equals(r.ready())).orElse(true);
    boolean primaryUp =
        primaryPod != null && primaryBeat != null && (primaryPod.ready() || starting);
    if (primaryUp) {
      since = null;
    } else {
      Instant first = since == null ? ctx.now() : Instant.parse(since);
      since = first.toString();
      Duration down = Duration.between(first, ctx.now());
      if (down.compareTo(ctx.primaryUnavailableAfter()) < 0) {
        phase = ShardPhase.PrimaryUnavailable;
        message = "primary " + primary + " unavailable for " + down.toSeconds() + "s";
      } else {
        FailoverDecision decision = planFailover(ctx, epoch, primary, members, hb);
        if (decision instanceof FailoverDecision.Promote p) {
          String old = primary;
          epoch = p.epoch();
          primary = p.pod();
          since = null;
          events.normal(
              ctx.sdb(),
              "FailoverCompleted",
              "shard "
                  + ctx.shardId()
                  + ": promoted "
                  + primary
                  + " to primary at epoch "
                  + epoch
                  + " (previous primary "
                  + old
                  + " unavailable for "
                  + down.toSeconds()
                  + "s); "
                  + p.reason());
          message = "failed over to " + primary + " at epoch " + epoch;
          // Every reachable replica learns the new epoch now; a refusal is repaired next pass.
          for (PodView pod : members.values()) {
            if (hb.containsKey(pod.name())) {
              sendRole(ctx, pod, epoch, primary, members);
            }
          }
          hb.putAll(refresh(members, hb));
        } else if (decision instanceof FailoverDecision.NoQuorum q) {
          phase = ShardPhase.NoQuorum;
          message =
              "primary "
                  + primary
                  + " unavailable and only "
                  + q.answered()
                  + " of "
                  + q.replicas()
                  + " replicas answered; a new primary needs "
                  + q.required();
        } else if (decision instanceof FailoverDecision.NoCandidate c) {
          phase = ShardPhase.NoQuorum;
          message = "primary " + primary + " unavailable; " + c.why();
        }
      }
    }

    PodView current = members.get(primary);
    if (phase == ShardPhase.Ready && current != null && current.url() != null) {
      String recordedUrl = prev.replica(primary).map(ReplicaStatus::url).orElse(null);
      if (recordedUrl != null && !recordedUrl.equals(current.url())) {
        // The primary came back at a new address: replicas refuse a different primary for the
        // same epoch, so announce it at the next one.
        long seen = hb.values().stream().mapToLong(Heartbeat::epoch).max().orElse(epoch);
        epoch = Math.max(epoch, seen) + 1;
        events.normal(
            ctx.sdb(),
            "PrimaryReannounced",
            "shard "
                + ctx.shardId()
                + ": primary "
                + primary
                + " moved to "
                + current.url()
                + "; announced to all replicas at epoch "
                + epoch);
        message = "primary " + primary + " re-announced at epoch " + epoch;
      }
    }
    if (phase == ShardPhase.Ready) {
      phase = repairReplicas(ctx, prev, epoch, primary, members, hb);
    }
    List<ReplicaStatus> replicas = replicaStatuses(members, hb, epoch, primary);
    int ready = (int) replicas.stream().filter(r -> Boolean.TRUE.equals(r.ready())).count();
    if (phase == ShardPhase.Ready && ready < ctx.desiredReplicas()) {
      boolean copying =
          replicas.stream()
              .anyMatch(
                  r -> r.state() == ReplicaState.Copying || r.state() == ReplicaState.CatchingUp);
      phase = copying ? ShardPhase.Copying : ShardPhase.Degraded;
      message = ready + " of " + ctx.desiredReplicas() + " replicas ready";
    }
    ShardStatus status = new ShardStatus(ctx.shardId(), epoch, primary, ready, since, replicas);
    return new ShardOutcome(status, ctx.desiredReplicas(), phase, message);
  }

  private ShardOutcome bringUp(
      ShardContext ctx, ShardStatus prev, Map<String, PodView> members, Map<String, Heartbeat> hb) {
    long reachable = members.values().stream().filter(p -> hb.containsKey(p.name())).count();
    if (members.size() < ctx.desiredReplicas() || reachable < ctx.desiredReplicas()) {
      return new ShardOutcome(
          new ShardStatus(
              ctx.shardId(), null, null, 0, null, replicaStatuses(members, hb, 0, null)),
          ctx.desiredReplicas(),
          ShardPhase.AwaitingPods,
          reachable + " of " + ctx.desiredReplicas() + " shard-servers answering");
    }
    if (ctx.config() == null) {
      return new ShardOutcome(
          prev, ctx.desiredReplicas(), ShardPhase.AwaitingPods, "no configuration for the shard");
    }
    String primary =
        members.values().stream()
            .min(Comparator.comparingInt(PodView::ordinal))
            .orElseThrow()
            .name();
    long epoch = 1;
    try {
      for (PodView pod : members.values()) {
        Heartbeat h = hb.get(pod.name());
        if (h.state() == ReplicaState.Unconfigured) {
          client.configure(pod.url(), ctx.config());
        }
        epoch = Math.max(epoch, h.epoch() + (h.epoch() > 0 ? 1 : 0));
      }
      for (PodView pod : members.values()) {
        client.assignRole(pod.url(), roleRequest(ctx, pod, epoch, primary, members));
      }
    } catch (ShardServerException e) {
      LOG.info("bring-up of shard {} not complete yet: {}", ctx.shardId(), e.getMessage());
      return new ShardOutcome(
          new ShardStatus(
              ctx.shardId(), null, null, 0, null, replicaStatuses(members, hb, 0, null)),
          ctx.desiredReplicas(),
          ShardPhase.BringingUp,
          "bring-up in progress: " + e.getMessage());
    }
    events.normal(
        ctx.sdb(),
        "ShardBroughtUp",
        "shard "
            + ctx.shardId()
            + ": configured "
            + members.size()
            + " replicas, "
            + primary
            + " is primary at epoch "
            + epoch);
    Map<String, Heartbeat> fresh = refresh(members, hb);
    List<ReplicaStatus> replicas = replicaStatuses(members, fresh, epoch, primary);
    int ready = (int) replicas.stream().filter(r -> Boolean.TRUE.equals(r.ready())).count();
    return new ShardOutcome(
        new ShardStatus(ctx.shardId(), epoch, primary, ready, null, replicas),
        ctx.desiredReplicas(),
        ShardPhase.BringingUp,
        "brought up with primary " + primary + " at epoch " + epoch);
  }

  private FailoverDecision planFailover(
      ShardContext ctx,
      long epoch,
      String failed,
      Map<String, PodView> members,
      Map<String, Heartbeat> hb) {
    List<Candidate> answered = new ArrayList<>();
    for (PodView pod : members.values()) {
      if (pod.name().equals(failed) || !hb.containsKey(pod.name())) {
        continue;
      }
      Heartbeat h = hb.get(pod.name());
      boolean eligible =
          pod.ordinal() < ctx.desiredReplicas()
              && h.state() != ReplicaState.Copying
              && h.state() != ReplicaState.Unconfigured;
      answered.add(
          new Candidate(
              pod.name(),
              h.epoch(),
              h.lastEntryEpoch(),
              h.appliedLsn(),
              ctx.heartbeats().get(pod.name()).latency(),
              pod.restarts(),
              eligible));
    }
    return planner.plan(epoch, ctx.desiredReplicas(), answered);
  }

  /** Configures empty replicas, repairs roles, re-copies diverged or empty ones. */
  private ShardPhase repairReplicas(
      ShardContext ctx,
      ShardStatus prev,
      long epoch,
      String primary,
      Map<String, PodView> members,
      Map<String, Heartbeat> hb) {
    Set<String> previousMembers =
        prev.replicasOrEmpty().stream()
            .map(r -> r.pod() + "@" + r.url())
            .collect(Collectors.toSet());
    Set<String> currentMembers =
        members.values().stream()
            .filter(p -> p.url() != null)
            .map(p -> p.name() + "@" + p.url())
            .collect(Collectors.toSet());
    // Peers changed (scale, replaced pod with a new IP): everyone gets the new peer list.
    boolean membershipChanged = !previousMembers.equals(currentMembers);
    Heartbeat primaryHb = hb.get(primary);
    ShardPhase phase = ShardPhase.Ready;
    for (PodView pod : members.values()) {
      Heartbeat h = hb.get(pod.name());
      if (h == null) {
        continue;
      }
      try {
        boolean wasEmpty = false;
        if (h.state() == ReplicaState.Unconfigured && ctx.config() != null) {
          client.configure(pod.url(), ctx.config());
          wasEmpty = true;
        }
        Role expected = pod.name().equals(primary) ? Role.Primary : Role.Secondary;
        if (wasEmpty
            || membershipChanged
            || h.epoch() < epoch
            || h.role() != expected
            || h.state() == ReplicaState.AwaitingRole
            || h.state() == ReplicaState.Fenced) {
          sendRole(ctx, pod, epoch, primary, members);
        }
        if (expected == Role.Secondary && primaryHb != null) {
          RecopyDecision decision =
              wasEmpty && primaryHb.appliedLsn() > 0
                  ? RecopyDecision.resync("replica came back empty")
                  : recopy.decide(h, primaryHb);
          if (decision.resync()) {
            client.resync(pod.url());
            events.normal(
                ctx.sdb(),
                "RecopyStarted",
                "shard "
                    + ctx.shardId()
                    + ": "
                    + pod.name()
                    + " re-copies from primary "
                    + primary
                    + ": "
                    + decision.reason());
            phase = ShardPhase.Copying;
          } else if (wasCopying(prev, pod.name()) && h.state() == ReplicaState.Ready) {
            phase = verifyCopy(ctx, pod, primary, members) ? phase : ShardPhase.Copying;
          }
        }
      } catch (ShardServerException e) {
        LOG.info("shard {} replica {}: {}", ctx.shardId(), pod.name(), e.getMessage());
      }
    }
    hb.putAll(refresh(members, hb));
    return phase;
  }

  private static boolean wasCopying(ShardStatus prev, String pod) {
    return prev.replica(pod).map(r -> r.state() == ReplicaState.Copying).orElse(false);
  }

  /** After a copy: the replica rejoins when its checksum matches the primary's. */
  private boolean verifyCopy(
      ShardContext ctx, PodView pod, String primary, Map<String, PodView> members) {
    PodView primaryPod = members.get(primary);
    ChecksumResponse mine = client.checksum(pod.url());
    ChecksumResponse theirs = client.checksum(primaryPod.url());
    switch (recopy.verify(mine, theirs)) {
      case MATCHES -> {
        events.normal(
            ctx.sdb(),
            "RecopyCompleted",
            "shard "
                + ctx.shardId()
                + ": "
                + pod.name()
                + " copied "
                + mine.rows()
                + " rows, checksum matches the primary at lsn "
                + mine.appliedLsn());
        return true;
      }
      case DIFFERS -> {
        client.resync(pod.url());
        events.warning(
            ctx.sdb(),
            "RecopyMismatch",
            "shard "
                + ctx.shardId()
                + ": "
                + pod.name()
                + " differs from the primary at lsn "
                + mine.appliedLsn()
                + " after copying; copying again");
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  private void sendRole(
      ShardContext ctx, PodView pod, long epoch, String primary, Map<String, PodView> members) {
    try {
      client.assignRole(pod.url(), roleRequest(ctx, pod, epoch, primary, members));
    } catch (ShardServerException e) {
      if (e.staleEpoch()) {
        events.warning(
            ctx.sdb(),
            "StaleEpoch",
            "shard "
                + ctx.shardId()
                + ": "
                + pod.name()
                + " refused epoch "
                + epoch
                + " because it has seen a higher one");
      }
      throw e;
    }
  }

  private static RoleRequest roleRequest(
      ShardContext ctx, PodView pod, long epoch, String primary, Map<String, PodView> members) {
    List<Peer> peers =
        members.values().stream()
            .filter(p -> p.url() != null)
            .sorted(Comparator.comparingInt(PodView::ordinal))
            .map(p -> new Peer(p.name(), p.url()))
            .toList();
    PodView primaryPod = members.get(primary);
    Peer primaryPeer = new Peer(primary, primaryPod == null ? null : primaryPod.url());
    Role role = pod.name().equals(primary) ? Role.Primary : Role.Secondary;
    return new RoleRequest(
        epoch, role, primaryPeer, peers, ctx.writeQuorum(), ctx.desiredReplicas());
  }

  /** The shard's pods by name: those of the StatefulSet that are not being deleted. */
  private static Map<String, PodView> members(ShardContext ctx) {
    Map<String, PodView> members = new java.util.TreeMap<>();
    for (PodView pod : ctx.pods()) {
      if (pod.ordinal() >= 0 && !pod.terminating()) {
        members.put(pod.name(), pod);
      }
    }
    return members;
  }

  /** Heartbeats again after changes, so the status shows their effect; old ones on failure. */
  private Map<String, Heartbeat> refresh(Map<String, PodView> members, Map<String, Heartbeat> hb) {
    Map<String, Heartbeat> fresh = new HashMap<>(hb);
    for (PodView pod : members.values()) {
      if (!hb.containsKey(pod.name())) {
        continue;
      }
      try {
        TimedHeartbeat t = client.heartbeat(pod.url());
        fresh.put(pod.name(), t.heartbeat());
      } catch (ShardServerException e) {
        LOG.debug("heartbeat of {} failed: {}", pod.name(), e.getMessage());
      }
    }
    return fresh;
  }

  private static List<ReplicaStatus> replicaStatuses(
      Map<String, PodView> members, Map<String, Heartbeat> hb, long epoch, String primary) {
    List<ReplicaStatus> out = new ArrayList<>();
    for (PodView pod :
        members.values().stream().sorted(Comparator.comparingInt(PodView::ordinal)).toList()) {
      Heartbeat h = hb.get(pod.name());
      boolean caughtUp =
          h != null
              && h.state() == ReplicaState.Ready
              && h.epoch() == epoch
              && epoch > 0
              && (pod.name().equals(primary)
                  ? h.role() == Role.Primary
                  : h.role() == Role.Secondary);
      Integer progress = null;
      if (h != null && h.copy() != null && h.copy().rowsTotal() > 0) {
        progress = (int) Math.min(100, h.copy().rowsCopied() * 100 / h.copy().rowsTotal());
      } else if (h != null && h.state() == ReplicaState.Copying) {
        progress = 0;
      }
      out.add(
          new ReplicaStatus(
              pod.name(),
              pod.url(),
              h == null ? Role.None : h.role(),
              pod.ready() && caughtUp,
              h == null ? null : h.state(),
              h == null ? null : h.appliedLsn(),
              h == null ? null : h.lagLsn(),
              progress));
    }
    return out;
  }
}
