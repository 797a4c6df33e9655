package io.shardeddb.simulation;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.RoleStore;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.simulation.Messages.Entry;
import io.shardeddb.simulation.Messages.Fence;
import io.shardeddb.simulation.Messages.FenceAck;
import io.shardeddb.simulation.Messages.LogReply;
import io.shardeddb.simulation.Messages.LogRequest;
import io.shardeddb.simulation.Messages.Ping;
import io.shardeddb.simulation.Messages.Pong;
import io.shardeddb.simulation.Messages.Read;
import io.shardeddb.simulation.Messages.ReadReply;
import io.shardeddb.simulation.Messages.Role;
import io.shardeddb.simulation.Messages.Snapshot;
import io.shardeddb.simulation.Messages.SnapshotRequest;
import io.shardeddb.simulation.Messages.Write;
import io.shardeddb.simulation.Messages.WriteReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One simulated shard-server replica: the production replica classes over simulated storage, peers
 * and time. Its disk ({@link SimDisk}, what survives a crash) is the replica's {@code
 * ReplicaStore}; each boot builds the production {@link ReplicaContext}, {@link RoleStore} and
 * {@link WriteCoordinator} (term start and no-op, group commit, replication through {@code
 * PeerLink}, quorum wait, reply, lease, quorum report, rule 15's recovery) over that disk, a {@link
 * SimTransport} and a {@link SimClock}. This class is the adapter that turns messages into the
 * calls the shard-server's controllers make. The secondary's side (append, pull, re-copy) is still
 * the simulator's own here, calling the production {@code LogMatching} and {@code LogOps}; it moves
 * onto {@code SecondarySync} next (docs/safety.md, "How the simulator runs production code").
 */
final class SimReplica {
  /** The shard-server's replication settings in the simulator (its lease is {@link #LEASE}). */
  static final ReplicationSettings SETTINGS =
      new ReplicationSettings(
          Duration.ofMillis(1_500),
          64,
          Duration.ofMillis(500),
          Duration.ofMillis(200),
          Duration.ofSeconds(1),
          256,
          1_000_000,
          Duration.ofSeconds(10),
          Duration.ofMillis(500),
          Duration.ofMillis(ShardSimulation.LEASE),
          Duration.ZERO,
          null);

  private final String name;
  private final List<String> peers;
  private final Scheduler scheduler;
  private final Network network;
  private final ReplicaRules rules;
  private final StorageFaults storageFaults;
  private SimDisk disk = new SimDisk();
  private int incarnation;
  private long requestIds;

  // One incarnation of the production replica.
  private SimClock clock;
  private SimTransport transport;
  private ReplicaContext ctx;
  private RoleStore roleStore;
  private WriteCoordinator coordinator;

  // Volatile secondary state (the simulator's own secondary side).
  private long verifiedEpoch = -1;
  private long pullAskedAt = -1_000_000;
  private long snapshotAskedAt = -1_000_000;

  SimReplica(
      String name, List<String> peers, Scheduler scheduler, Network network, ReplicaRules rules) {
    this.name = name;
    this.peers = peers;
    this.scheduler = scheduler;
    this.network = network;
    this.rules = rules;
    this.storageFaults = new StorageFaults(scheduler::now);
  }

  String name() {
    return name;
  }

  SimDisk disk() {
    return disk;
  }

  StorageFaults storageFaults() {
    return storageFaults;
  }

  boolean actingPrimary() {
    return disk.primary;
  }

  /** Whether this replica holds none of the data it once acknowledged (lost volume, copying). */
  boolean holdsNoData() {
    return disk.empty || disk.copying || !disk.configured;
  }

  private static Peer peer(String name) {
    return new Peer(name, "sim://" + name);
  }

  /** Boots (first start or after a crash): volatile state is empty, the disk is what it was. */
  void start() {
    incarnation++;
    verifiedEpoch = -1;
    // A restarted primary waits for the operator: its term's volatile state is gone.
    disk.primary = false;
    disk.faults = storageFaults;
    clock = new SimClock(scheduler, network, name, storageFaults::busyUntil);
    transport =
        new SimTransport(
            name, network, clock, SETTINGS.requestTimeout().toMillis(), () -> ++requestIds);
    ctx = new ReplicaContext(new ServerSettings(name));
    if (disk.configured) {
      ctx.configure(SimStorage.CONFIG);
    }
    restoreContext();
    roleStore = new RoleStore(ctx, disk);
    coordinator =
        new WriteCoordinator(
            ctx, disk, transport, SETTINGS, roleStore, rules, clock, new CompositeMeterRegistry());
    coordinator.start();
    network.liveness(name, Network.Liveness.UP);
    tick(incarnation);
  }

  /**
   * The production context restored from the disk, as {@code ReplicaStartup} does on boot; also
   * before a role change of a replica that is not primary, whose position the simulator's own
   * secondary side moved on the disk only.
   */
  private void restoreContext() {
    io.shardeddb.protocol.topology.Role role =
        disk.primary
            ? io.shardeddb.protocol.topology.Role.Primary
            : disk.secondary
                ? io.shardeddb.protocol.topology.Role.Secondary
                : io.shardeddb.protocol.topology.Role.None;
    ctx.restore(
        disk.epoch,
        role,
        disk.primaryName == null ? null : peer(disk.primaryName),
        peers.stream().map(SimReplica::peer).toList(),
        WriteQuorum.Majority,
        disk.lastLsn(),
        disk.lastEntryEpoch(),
        disk.baseLsn,
        disk.baseEpoch,
        disk.copying,
        disk.voteEpoch,
        disk.vote,
        disk.replicas);
  }

  void crash() {
    network.liveness(name, Network.Liveness.DOWN);
    if (clock != null) {
      clock.stop();
    }
    incarnation++;
  }

  /** A lost volume: the pod comes back with an empty, unconfigured database. */
  void wipe() {
    disk = new SimDisk();
    disk.configured = false;
    disk.empty = true;
  }

  ReplicaState state() {
    if (!disk.configured) {
      return ReplicaState.Unconfigured;
    }
    if (disk.copying) {
      return ReplicaState.Copying;
    }
    if (disk.primary) {
      return ReplicaState.Ready;
    }
    if (disk.secondary) {
      return verifiedEpoch == disk.epoch ? ReplicaState.Ready : ReplicaState.CatchingUp;
    }
    return disk.epoch > 0 ? ReplicaState.Fenced : ReplicaState.AwaitingRole;
  }

  private void tick(int inc) {
    scheduler.after(
        50,
        () -> {
          if (inc != incarnation) {
            return;
          }
          if (network.liveness(name) == Network.Liveness.PAUSED) {
            tick(inc);
            return;
          }
          onTick();
          tick(inc);
        });
  }

  private void onTick() {
    long now = scheduler.now();
    if (disk.secondary && disk.copying) {
      if (now - snapshotAskedAt > 500) {
        snapshotAskedAt = now;
        network.send(name, disk.primaryName, new SnapshotRequest(disk.epoch));
      }
    } else if (disk.secondary && verifiedEpoch != disk.epoch) {
      pull();
    }
  }

  void receive(String from, Object m) {
    switch (m) {
      case Ping p -> network.send(name, from, pong());
      case Messages.Configure c -> {
        if (!disk.configured) {
          disk.configured = true;
          ctx.configure(SimStorage.CONFIG);
        }
      }
      case Messages.Resync r -> {
        if (disk.secondary) {
          startCopy("asked to re-copy");
        }
      }
      case Fence f -> onFence(from, f);
      case Role r -> onRole(r);
      case SimTransport.Replicate r -> onReplicate(from, r);
      case SimTransport.Replicated r -> transport.answered(r);
      case LogRequest l -> onLogRequest(from, l);
      case LogReply l -> onLogReply(from, l);
      case SnapshotRequest s -> onSnapshotRequest(from, s);
      case Snapshot s -> onSnapshot(from, s);
      case Write w -> onWrite(from, w);
      case Read r -> onRead(from, r);
      default -> throw new IllegalArgumentException("unexpected " + m);
    }
  }

  private Pong pong() {
    return new Pong(
        name,
        disk.epoch,
        disk.primary,
        disk.secondary,
        disk.primaryName,
        disk.lastEntryEpoch(),
        disk.lastLsn(),
        state(),
        reportsQuorum ? coordinator.quorumState() : null);
  }

  /** Off: a primary that does not report its quorum (as shard-servers before rule 11). */
  private boolean reportsQuorum = true;

  void reportQuorum(boolean on) {
    reportsQuorum = on;
  }

  // --- rules 1 and 2: epochs, votes, fencing (RoleService's part) ------------------------------

  private void onFence(String from, Fence f) {
    if (!disk.configured) {
      network.send(name, from, new FenceAck(name, f.epoch(), 0, 0, ReplicaState.Unconfigured));
      return;
    }
    switch (rules.fence(disk.epochs(), f.epoch())) {
      case REFUSE -> {
        return;
      }
      case RAISE -> {
        if (!disk.primary) {
          restoreContext();
        }
        coordinator.whileNoCommit(
            () -> {
              roleStore.fence(f.epoch());
              coordinator.stepDown(
                  ShardException.conflict(
                      "not primary: " + name + " was fenced by epoch " + f.epoch()));
              return null;
            });
        verifiedEpoch = -1;
      }
      case REPEAT -> {}
    }
    ReplicaContext.View v = ctx.view();
    network.send(
        name,
        from,
        new FenceAck(
            name, disk.epoch, v.lastEntryEpoch(), v.appliedLsn(), rules.reported(state())));
  }

  private void onRole(Role r) {
    if (!disk.configured
        || !rules
            .role(disk.epochs(), r.epoch(), r.primaryName(), r.primary(), disk.copying)
            .accept()) {
      return;
    }
    boolean same =
        r.epoch() == disk.epoch
            && r.primaryName().equals(disk.primaryName)
            && (r.primary() ? disk.primary : disk.secondary);
    if (same) {
      return;
    }
    if (!disk.primary) {
      restoreContext();
    }
    io.shardeddb.protocol.topology.Role role =
        r.primary()
            ? io.shardeddb.protocol.topology.Role.Primary
            : io.shardeddb.protocol.topology.Role.Secondary;
    coordinator.whileNoCommit(
        () -> {
          roleStore.assign(
              r.epoch(),
              role,
              peer(r.primaryName()),
              peers.stream().map(SimReplica::peer).toList(),
              WriteQuorum.Majority,
              r.replicas());
          if (r.primary()) {
            ctx.markVerified(r.epoch());
            coordinator.becomePrimary();
          } else {
            coordinator.stepDown(
                ShardException.conflict(
                    "not primary: primary is " + r.primaryName() + " (epoch " + r.epoch() + ")"));
          }
          return null;
        });
    verifiedEpoch = -1;
    trace(
        (r.primary() ? "primary" : "secondary")
            + " at epoch "
            + r.epoch()
            + ", log at "
            + disk.lastEntryEpoch()
            + "/"
            + disk.lastLsn());
  }

  // --- the primary: the production WriteCoordinator -------------------------------------------

  private void onWrite(String client, Write w) {
    CompletableFuture<WriteCoordinator.Acked> done;
    try {
      done = coordinator.enqueue(ClientChange.write(List.of(SimStorage.row(w.key())), w.rid()));
    } catch (ShardException e) {
      network.send(name, client, new WriteReply(w.rid(), false, disk.epoch, e.getMessage()));
      return;
    }
    int inc = incarnation;
    done.whenComplete(
        (acked, err) -> {
          if (inc != incarnation) {
            return;
          }
          if (err == null) {
            // Acknowledged by this term's primary: the epoch it was primary of.
            network.send(name, client, new WriteReply(w.rid(), true, ctx.view().epoch(), null));
          } else {
            Throwable cause = err instanceof CompletionException c ? c.getCause() : err;
            // 409 not primary, 503 quorum or storage: no definite answer, the client retries.
            network.send(
                name, client, new WriteReply(w.rid(), false, disk.epoch, cause.getMessage()));
          }
        });
  }

  // --- the secondary's side of /replicate (rule 4), the simulator's own for now ----------------

  private void onReplicate(String from, SimTransport.Replicate m) {
    ReplicateRequest a = m.request();
    if (a.epoch() < disk.epoch) {
      network.send(name, from, new SimTransport.Replicated(m.id(), null, 409, disk.epoch));
      return;
    }
    if (a.epoch() > disk.epoch || !disk.secondary || !from.equals(disk.primaryName)) {
      // No role under this primary yet (503 in the shard-server): counts for nothing.
      network.send(name, from, new SimTransport.Replicated(m.id(), null, 503, disk.epoch));
      return;
    }
    List<Entry> entries =
        a.entries() == null ? List.of() : a.entries().stream().map(SimStorage::toEntry).toList();
    long first = entries.isEmpty() ? a.prevLsn() + 1 : entries.get(0).lsn();
    long last = entries.isEmpty() ? a.prevLsn() : entries.getLast().lsn();
    LogMatching.Decision d =
        rules.batch(
            new LogMatching.Local(
                disk.copying,
                verifiedEpoch == disk.epoch,
                disk.lastLsn(),
                disk.epochAt(a.prevLsn())),
            new LogMatching.Batch(a.prevLsn(), a.prevEpoch(), first, last));
    boolean inSync = d.inSync();
    long match = d.matchLsn();
    switch (d.action()) {
      case APPEND -> {
        for (Entry e : entries) {
          if (e.lsn() == disk.lastLsn() + 1) {
            disk.apply(e);
            if (disk.lastLsn() > 0 && disk.baseLsn == 0 && disk.log.firstKey() == 1) {
              disk.empty = false;
            }
          }
        }
        match = disk.lastLsn();
      }
      case GAP -> pull();
      case UNVERIFIED -> {
        if (!disk.copying) {
          pull();
        }
      }
      case DIVERGED -> {
        verifiedEpoch = -1;
        pull();
      }
    }
    network.send(
        name,
        from,
        new SimTransport.Replicated(
            m.id(), new ReplicateResponse(disk.lastLsn(), disk.epoch, inSync, match), 200, 0));
  }

  /** {@code GET /log} from the primary with the epoch of this replica's last entry. */
  private void pull() {
    long now = scheduler.now();
    if (now - pullAskedAt < 100 || disk.primaryName == null) {
      return;
    }
    pullAskedAt = now;
    network.send(
        name,
        disk.primaryName,
        new LogRequest(disk.epoch, disk.lastLsn() + 1, disk.lastEntryEpoch()));
  }

  /** The primary's side of {@code GET /log}, as ReplicationController answers it. */
  private void onLogRequest(String from, LogRequest l) {
    if (!disk.primary || l.epoch() != disk.epoch) {
      return;
    }
    long prev = l.fromLsn() - 1;
    int status = 200;
    if (prev > disk.lastLsn()) {
      status = 409;
    } else if (prev < disk.baseLsn) {
      status = 410;
    } else if (prev > 0 && disk.epochAt(prev) != l.prevEpoch()) {
      status = 409;
    }
    List<Entry> entries =
        status != 200
            ? List.of()
            : disk.log.tailMap(prev, false).values().stream().limit(256).toList();
    if (status == 200) {
      // The secondary proved it holds everything up to prev.
      coordinator.peerHolds(from, prev);
    }
    network.send(name, from, new LogReply(disk.epoch, status, entries, disk.lastLsn()));
  }

  private void onLogReply(String from, LogReply l) {
    if (!disk.secondary
        || disk.copying
        || l.epoch() != disk.epoch
        || !from.equals(disk.primaryName)) {
      return;
    }
    if (l.status() != 200) {
      startCopy(l.status() == 409 ? "diverged from the primary" : "log no longer held");
      return;
    }
    if (disk.lastLsn() == 0 && l.lastLsn() > 0) {
      startCopy("empty while the primary has data");
      return;
    }
    verifiedEpoch = disk.epoch;
    for (Entry e : l.entries()) {
      if (e.lsn() == disk.lastLsn() + 1) {
        disk.apply(e);
      }
    }
    if (disk.lastLsn() > 0 && disk.baseLsn == 0 && disk.log.firstKey() == 1) {
      disk.empty = false;
    }
  }

  // --- rule 7: copy state is durable and honest ----------------------------------------------

  private void startCopy(String why) {
    trace("re-copy (" + why + "), had " + disk.rows.size() + " rows at " + disk.lastLsn());
    disk.copying = true;
    disk.log.clear();
    disk.rows.clear();
    disk.rids.clear();
    disk.baseLsn = 0;
    disk.baseEpoch = 0;
    verifiedEpoch = -1;
    snapshotAskedAt = scheduler.now();
    network.send(name, disk.primaryName, new SnapshotRequest(disk.epoch));
  }

  private void onSnapshotRequest(String from, SnapshotRequest s) {
    if (!disk.primary || s.epoch() != disk.epoch) {
      return;
    }
    network.send(
        name,
        from,
        new Snapshot(
            disk.epoch,
            disk.lastLsn(),
            disk.lastEntryEpoch(),
            Map.copyOf(disk.rows),
            Map.copyOf(disk.rids)));
  }

  private void onSnapshot(String from, Snapshot s) {
    if (!disk.secondary || !disk.copying || s.epoch() != disk.epoch) {
      return;
    }
    if (!from.equals(disk.primaryName)) {
      return;
    }
    disk.rows.clear();
    disk.rows.putAll(s.rows());
    disk.rids.clear();
    disk.rids.putAll(s.rids());
    disk.log.clear();
    disk.baseLsn = s.lsn();
    disk.baseEpoch = s.entryEpoch();
    disk.copying = false;
    disk.empty = false;
    // The snapshot came from this epoch's primary: the log matches it at its base.
    verifiedEpoch = disk.epoch;
    trace("installed a snapshot of " + s.rows().size() + " rows at " + s.lsn() + " from " + from);
  }

  // --- rule 9: fenced reads (the production lease) -------------------------------------------

  private void onRead(String client, Read r) {
    if (!disk.primary || coordinator.lease() != LeaseRules.Lease.HELD) {
      network.send(name, client, new ReadReply(r.id(), false, disk.epoch, List.of()));
      return;
    }
    network.send(
        name, client, new ReadReply(r.id(), true, disk.epoch, List.copyOf(disk.rows.keySet())));
  }

  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " " + name + ": " + what);
    }
  }
}
