package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.shardserver.replication.rules.QuorumTracker;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.simulation.Messages.Append;
import io.shardeddb.simulation.Messages.AppendAck;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated shard-server replica: its disk ({@link SimDisk}, what survives a crash), its
 * volatile state, and the glue that turns messages into calls of the shard-server's real code
 * ({@link ReplicaRules}, {@link QuorumTracker}, and the write path's {@code BatchPlanner} and
 * {@code LogOps} through the disk) and replies, mirroring the shard-server's controllers. A crash
 * keeps the disk; a lost volume replaces it with an empty, unconfigured one.
 *
 * <p>Why one file (~560 lines): it is one replica's state machine with a handler per message kind,
 * mirroring the shard-server's controllers; the handlers share the replica's volatile state and are
 * read together to check that the simulation calls the same rules as production.
 */
final class SimReplica {
  private final String name;
  private final List<String> peers;
  private final Scheduler scheduler;
  private final Network network;
  private final ReplicaRules rules;
  private SimDisk disk = new SimDisk();
  private int incarnation;

  // Volatile primary state (one term).
  private QuorumTracker tracker;
  private final Map<String, Long> nextLsn = new HashMap<>();
  private final Map<String, List<String>> waiting = new HashMap<>();
  private long noopLsn = -1;
  private long promotedAt;
  // Volatile secondary state.
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
  }

  String name() {
    return name;
  }

  SimDisk disk() {
    return disk;
  }

  boolean actingPrimary() {
    return disk.primary;
  }

  /** Whether this replica holds none of the data it once acknowledged (lost volume, copying). */
  boolean holdsNoData() {
    return disk.empty || disk.copying || !disk.configured;
  }

  /** Boots (first start or after a crash): volatile state is empty, the disk is what it was. */
  void start() {
    incarnation++;
    tracker = null;
    nextLsn.clear();
    waiting.clear();
    noopLsn = -1;
    verifiedEpoch = -1;
    // A restarted primary waits for the operator: its term's volatile state is gone.
    disk.primary = false;
    network.liveness(name, Network.Liveness.UP);
    tick(incarnation);
  }

  void crash() {
    network.liveness(name, Network.Liveness.DOWN);
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
    if (disk.primary) {
      for (String p : peers) {
        if (!p.equals(name)) {
          sendAppend(p);
        }
      }
    } else if (disk.secondary && disk.copying) {
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
      case Messages.Configure c -> disk.configured = true;
      case Messages.Resync r -> {
        if (disk.secondary) {
          startCopy("asked to re-copy");
        }
      }
      case Fence f -> onFence(from, f);
      case Role r -> onRole(r);
      case Append a -> onAppend(from, a);
      case AppendAck a -> onAppendAck(a);
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
        quorumState());
  }

  /** As the shard-server's primary reports it in its heartbeat (rules 11 and 12). */
  private QuorumState quorumState() {
    if (!disk.primary || tracker == null || !reportsQuorum) {
      return null;
    }
    long now = scheduler.nanos();
    long since = tracker.majorityAckedAtNanos(now, promotedAt * 1_000_000L);
    List<String> voters = peers.stream().filter(p -> !p.equals(name)).toList();
    boolean committed = noopLsn >= 0 && tracker.holders(noopLsn) >= tracker.required();
    return new QuorumState(disk.replicas, voters, committed, (now - since) / 1_000_000);
  }

  /** Off: a primary that does not report its quorum (as shard-servers before rule 11). */
  private boolean reportsQuorum = true;

  void reportQuorum(boolean on) {
    reportsQuorum = on;
  }

  // --- rules 1 and 2: epochs, votes, fencing ------------------------------------------------

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
        disk.epoch = f.epoch();
        stepDown();
      }
      case REPEAT -> {}
    }
    network.send(
        name,
        from,
        new FenceAck(
            name, disk.epoch, disk.lastEntryEpoch(), disk.lastLsn(), rules.reported(state())));
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
    stepDown();
    disk.epoch = r.epoch();
    disk.voteEpoch = r.epoch();
    disk.vote = r.primaryName();
    disk.primaryName = r.primaryName();
    disk.replicas = r.replicas();
    disk.primary = r.primary();
    disk.secondary = !r.primary();
    verifiedEpoch = -1;
    trace(
        (r.primary() ? "primary" : "secondary")
            + " at epoch "
            + r.epoch()
            + ", log at "
            + disk.lastEntryEpoch()
            + "/"
            + disk.lastLsn());
    if (r.primary()) {
      becomePrimary();
    }
  }

  private void stepDown() {
    if (disk.primary) {
      // Waiting clients learn nothing definite: the entry may still be committed by the next
      // primary, so they retry with the same request id.
      waiting.forEach(
          (rid, clients) -> {
            for (String c : clients) {
              network.send(
                  name,
                  c.substring(0, c.lastIndexOf('#')),
                  new WriteReply(rid, false, disk.epoch, "stepped down"));
            }
          });
      if (tracker != null) {
        tracker.failAll(new IllegalStateException("stepped down"));
      }
    }
    tracker = null;
    waiting.clear();
    disk.primary = false;
    disk.secondary = false;
  }

  // --- rule 3: the new primary commits its epoch before serving -----------------------------

  private void becomePrimary() {
    // The term's no-op, planned and committed as the shard-server's batcher does (rule 3).
    BatchPlan plan = disk.groupCommit(List.of(), true).plan();
    Entry noop = SimStorage.toEntry(plan.entries().get(0));
    noopLsn = noop.lsn();
    promotedAt = scheduler.now();
    List<String> others = peers.stream().filter(p -> !p.equals(name)).toList();
    tracker =
        new QuorumTracker(rules.required(disk.replicas, others.size() + 1), others, noop.lsn());
    nextLsn.clear();
    for (String p : others) {
      nextLsn.put(p, noop.lsn());
      sendAppend(p);
    }
  }

  private void onWrite(String client, Write w) {
    if (!disk.primary) {
      network.send(name, client, new WriteReply(w.rid(), false, disk.epoch, "not primary"));
      return;
    }
    // The shard-server's planner decides (a retry gets the original entry, never a second one:
    // rule 8); this disk commits the plan as one transaction.
    ClientChange change = ClientChange.write(List.of(SimStorage.row(w.key())), w.rid());
    GroupCommit.Result result = disk.groupCommit(List.of(change), false);
    BatchPlan plan = result.plan();
    if (!result.committed()) {
      network.send(name, client, new WriteReply(w.rid(), false, disk.epoch, "not primary"));
      return;
    }
    long lsn;
    switch (plan.outcomes().get(0)) {
      case BatchPlan.Earlier e -> lsn = e.outcome().lsn();
      case BatchPlan.Applied a -> lsn = a.lsn();
      default -> {
        network.send(
            name,
            client,
            new WriteReply(w.rid(), false, disk.epoch, "refused: " + plan.outcomes()));
        return;
      }
    }
    if (!plan.entries().isEmpty()) {
      tracker.selfHolds(lsn);
      for (String p : peers) {
        if (!p.equals(name)) {
          sendAppend(p);
        }
      }
    }
    waiting.computeIfAbsent(w.rid(), k -> new ArrayList<>()).add(client + "#" + lsn);
    release();
  }

  /** Acknowledges every waiting write whose entry and this term's no-op are on a quorum. */
  private void release() {
    long committed = tracker.quorumLsn();
    if (committed < noopLsn) {
      return;
    }
    List<String> done = new ArrayList<>();
    waiting.forEach(
        (rid, clients) -> {
          List<String> rest = new ArrayList<>();
          for (String c : clients) {
            int hash = c.lastIndexOf('#');
            long lsn = Long.parseLong(c.substring(hash + 1));
            if (lsn <= committed) {
              network.send(name, c.substring(0, hash), new WriteReply(rid, true, disk.epoch, null));
            } else {
              rest.add(c);
            }
          }
          if (rest.isEmpty()) {
            done.add(rid);
          } else {
            clients.retainAll(rest);
          }
        });
    done.forEach(waiting::remove);
  }

  // --- rules 4 and 5: log matching, quorum over the spec -------------------------------------

  private void sendAppend(String peer) {
    long next = Math.max(nextLsn.getOrDefault(peer, disk.lastLsn() + 1), disk.baseLsn + 1);
    long prev = next - 1;
    List<Entry> entries = new ArrayList<>(disk.log.tailMap(prev, false).values());
    if (entries.size() > 64) {
      entries = new ArrayList<>(entries.subList(0, 64));
    }
    network.send(
        name,
        peer,
        new Append(
            disk.epoch,
            prev,
            disk.epochAt(prev),
            List.copyOf(entries),
            scheduler.nanos(),
            disk.baseLsn));
  }

  private void onAppend(String from, Append a) {
    if (a.epoch() < disk.epoch) {
      network.send(
          name, from, new AppendAck(name, disk.epoch, true, false, -1, disk.lastLsn(), a.sentAt()));
      return;
    }
    if (a.epoch() > disk.epoch || !disk.secondary || !from.equals(disk.primaryName)) {
      // No role under this primary yet (503 in the shard-server): counts for nothing.
      network.send(
          name, from, new AppendAck(name, a.epoch(), false, false, -1, disk.lastLsn(), a.sentAt()));
      return;
    }
    long first = a.entries().isEmpty() ? a.prevLsn() + 1 : a.entries().get(0).lsn();
    long last = a.entries().isEmpty() ? a.prevLsn() : a.entries().getLast().lsn();
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
        for (Entry e : a.entries()) {
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
        new AppendAck(name, disk.epoch, false, inSync, match, disk.lastLsn(), a.sentAt()));
  }

  private void onAppendAck(AppendAck a) {
    if (!disk.primary || tracker == null) {
      return;
    }
    if (a.stale() && a.epoch() > disk.epoch) {
      disk.epoch = a.epoch();
      stepDown();
      return;
    }
    if (a.epoch() != disk.epoch) {
      return;
    }
    tracker.peerReport(a.name(), a.inSync(), a.matchLsn(), a.sentAt());
    if (a.inSync()) {
      nextLsn.put(a.name(), Math.max(nextLsn.getOrDefault(a.name(), 0L), a.matchLsn() + 1));
      release();
    } else {
      nextLsn.put(a.name(), Math.min(disk.lastLsn() + 1, a.lastLsn() + 1));
    }
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
      // The secondary proved it holds everything up to prev (the shard-server's peerHolds).
      tracker.peerHolds(from, prev);
      release();
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

  // --- rule 9: fenced reads --------------------------------------------------------------

  private void onRead(String client, Read r) {
    boolean lease =
        disk.primary
            && tracker != null
            && rules.lease(
                    scheduler.nanos(),
                    promotedAt * 1_000_000L,
                    ShardSimulation.LEASE * 1_000_000L,
                    tracker.required(),
                    tracker.ackSentNanos())
                == LeaseRules.Lease.HELD;
    if (!lease) {
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
