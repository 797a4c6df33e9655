package io.shardeddb.simulation;

import io.shardeddb.simulation.Messages.Fence;
import io.shardeddb.simulation.Messages.FenceAck;
import io.shardeddb.simulation.Messages.Ping;
import io.shardeddb.simulation.Messages.Pong;
import io.shardeddb.simulation.Messages.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated operator: polls every replica, brings the shard up, and when the primary has not
 * answered as primary for {@link ShardSimulation#UNAVAILABLE} ms runs the failover of DESIGN §5
 * rule 2 — fence a new epoch on every replica, wait for a fenced majority of the spec's replicas
 * that are not copying, let the {@link FailoverRule} choose among exactly those answers, record the
 * choice in its durable status, then assign roles. A crash loses everything but the status.
 */
final class SimOperator {
  static final String NAME = "operator";

  /** What the operator persists (the resource's status): survives operator restarts. */
  static final class Status {
    long epoch;
    String primary;
  }

  private record Seen(long at, Pong pong) {}

  private final List<String> replicas;
  private final Scheduler scheduler;
  private final Network network;
  private final FailoverRule rule;
  private final Status status = new Status();
  private final Map<String, Seen> seen = new HashMap<>();
  private final Map<String, FenceAck> fenced = new HashMap<>();
  private long fencingEpoch = -1;
  private long fencingSince;
  private long primaryHealthyAt;
  private int incarnation;
  private long failovers;

  SimOperator(List<String> replicas, Scheduler scheduler, Network network, FailoverRule rule) {
    this.replicas = replicas;
    this.scheduler = scheduler;
    this.network = network;
    this.rule = rule;
  }

  Status status() {
    return status;
  }

  long failovers() {
    return failovers;
  }

  void start() {
    incarnation++;
    seen.clear();
    fenced.clear();
    fencingEpoch = -1;
    primaryHealthyAt = scheduler.now();
    network.liveness(NAME, Network.Liveness.UP);
    int inc = incarnation;
    loop(inc);
  }

  void crash() {
    incarnation++;
    network.liveness(NAME, Network.Liveness.DOWN);
  }

  private void loop(int inc) {
    scheduler.after(
        100,
        () -> {
          if (inc != incarnation) {
            return;
          }
          tick();
          loop(inc);
        });
  }

  void receive(String from, Object m) {
    switch (m) {
      case Pong p -> seen.put(p.name(), new Seen(scheduler.now(), p));
      case FenceAck f -> onFenceAck(f);
      default -> {}
    }
  }

  private void tick() {
    long now = scheduler.now();
    replicas.forEach(r -> network.send(NAME, r, new Ping()));
    if (status.epoch == 0) {
      if (replicas.stream().allMatch(r -> fresh(r, now))) {
        status.epoch = 1;
        status.primary = replicas.get(0);
        assignRoles();
      }
      return;
    }
    Seen p = seen.get(status.primary);
    boolean healthy =
        p != null
            && fresh(status.primary, now)
            && p.pong().primary()
            && p.pong().epoch() == status.epoch;
    if (healthy) {
      primaryHealthyAt = now;
      fencingEpoch = -1;
    } else if (now - primaryHealthyAt >= ShardSimulation.UNAVAILABLE) {
      if (fencingEpoch < 0 || now - fencingSince > ShardSimulation.UNAVAILABLE) {
        startFailover(now);
      }
      return;
    }
    repairRoles(now);
  }

  private boolean fresh(String replica, long now) {
    Seen s = seen.get(replica);
    return s != null && now - s.at() < 500;
  }

  private void startFailover(long now) {
    long highest = status.epoch;
    for (Seen s : seen.values()) {
      highest = Math.max(highest, s.pong().epoch());
    }
    highest = Math.max(highest, fencingEpoch);
    fencingEpoch = highest + 1;
    fencingSince = now;
    fenced.clear();
    replicas.forEach(r -> network.send(NAME, r, new Fence(fencingEpoch)));
  }

  private void onFenceAck(FenceAck f) {
    if (f.epoch() != fencingEpoch) {
      return;
    }
    fenced.put(f.name(), f);
    Optional<String> chosen = rule.choose(List.copyOf(fenced.values()), replicas.size());
    if (chosen.isPresent()) {
      status.epoch = fencingEpoch;
      status.primary = chosen.get();
      fencingEpoch = -1;
      primaryHealthyAt = scheduler.now();
      failovers++;
      if (ShardSimulation.TRACE) {
        System.err.println(
            "t="
                + scheduler.now()
                + " operator: chose "
                + status.primary
                + " at epoch "
                + status.epoch
                + " from "
                + fenced.values());
      }
      assignRoles();
    }
  }

  private void assignRoles() {
    for (String r : replicas) {
      network.send(NAME, r, role(r));
    }
  }

  private Role role(String replica) {
    return new Role(status.epoch, replica.equals(status.primary), status.primary, replicas.size());
  }

  /** Replicas that restarted or missed their role get it again (same epoch, same primary). */
  private void repairRoles(long now) {
    for (String r : replicas) {
      Seen s = seen.get(r);
      if (s == null || !fresh(r, now)) {
        continue;
      }
      Pong p = s.pong();
      boolean expectedPrimary = r.equals(status.primary);
      boolean ok =
          p.epoch() == status.epoch
              && status.primary.equals(p.primaryName())
              && (expectedPrimary ? p.primary() : p.secondary());
      // The primary's role is repeated only to a replica that still holds this epoch's data:
      // one that came back empty (or at an older epoch) is failed over instead.
      boolean mayLead = p.epoch() == status.epoch && !p.copying();
      if (!ok && p.epoch() <= status.epoch && (!expectedPrimary || mayLead)) {
        network.send(NAME, r, role(r));
      }
    }
  }
}
