package io.shardeddb.simulation;

import io.shardeddb.simulation.Messages.Append;
import io.shardeddb.simulation.Messages.AppendAck;
import io.shardeddb.simulation.Messages.Entry;
import io.shardeddb.simulation.Messages.Fence;
import io.shardeddb.simulation.Messages.FenceAck;
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
import java.util.TreeMap;

/**
 * One simulated shard-server replica: its disk (what survives a crash), its volatile state, and the
 * glue that turns messages into calls of the replication rules ({@link ReplicaRules}) and replies.
 * A crash keeps the disk; a wipe replaces it with an empty one.
 */
final class SimReplica {
  /** What survives a crash: the persisted epoch and vote, role, log, rows, request ids. */
  static final class Disk {
    long epoch;
    String vote;
    boolean primary;
    boolean secondary;
    String primaryName;
    int replicas;
    final TreeMap<Long, Entry> log = new TreeMap<>();
    long baseLsn;
    long baseEpoch;
    final Map<Long, Integer> rows = new TreeMap<>();
    final Map<String, Long> rids = new HashMap<>();
    boolean copying;

    long lastLsn() {
      return log.isEmpty() ? baseLsn : log.lastKey();
    }

    long lastEntryEpoch() {
      return log.isEmpty() ? baseEpoch : log.lastEntry().getValue().epoch();
    }

    /** The epoch of the entry at {@code lsn}, or -1 when this replica does not hold it. */
    long epochAt(long lsn) {
      if (lsn == baseLsn) {
        return baseEpoch;
      }
      Entry e = log.get(lsn);
      return e == null ? -1 : e.epoch();
    }

    void apply(Entry e) {
      log.put(e.lsn(), e);
      if (!e.noop()) {
        rows.merge(e.key(), 1, Integer::sum);
        rids.put(e.rid(), e.lsn());
      }
    }
  }

  private final String name;
  private final List<String> peers;
  private final Scheduler scheduler;
  private final Network network;
  private final ReplicaRules rules;
  private Disk disk = new Disk();
  private int incarnation;

  // Volatile primary state.
  private final Map<String, Long> nextLsn = new HashMap<>();
  private final Map<String, Long> matchLsn = new HashMap<>();
  private final Map<String, Long> lastAckSentAt = new HashMap<>();
  private final Map<String, List<String>> waiting = new HashMap<>();
  private long noopLsn = -1;
  private long promotedAt;
  // Volatile secondary state.
  private long verifiedEpoch = -1;
  private boolean snapshotAsked;

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

  Disk disk() {
    return disk;
  }

  boolean actingPrimary() {
    return disk.primary;
  }

  /** Boots (first start or after a crash): volatile state is empty, the disk is what it was. */
  void start() {
    incarnation++;
    nextLsn.clear();
    matchLsn.clear();
    lastAckSentAt.clear();
    waiting.clear();
    noopLsn = -1;
    verifiedEpoch = -1;
    snapshotAsked = false;
    network.liveness(name, Network.Liveness.UP);
    if (disk.primary) {
      // A restarted primary resumes its term only through a new role from the operator.
      disk.primary = false;
    }
    tick(incarnation);
  }

  void crash() {
    network.liveness(name, Network.Liveness.DOWN);
    incarnation++;
  }

  /**
   * A lost volume: the replica comes back empty and unconfigured, which counts as copying — it
   * holds nothing, so it can neither be chosen nor stand in for a replica that held data.
   */
  void wipe() {
    disk = new Disk();
    disk.copying = true;
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
    if (disk.primary) {
      for (String p : peers) {
        if (!p.equals(name)) {
          sendAppend(p);
        }
      }
    } else if (disk.secondary && disk.copying && !snapshotAsked) {
      askSnapshot();
    }
  }

  void receive(String from, Object m) {
    switch (m) {
      case Ping p -> network.send(name, from, pong());
      case Fence f -> onFence(from, f);
      case Role r -> onRole(r);
      case Append a -> onAppend(from, a);
      case AppendAck a -> onAppendAck(a);
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
        disk.copying);
  }

  // --- rule 1 and 2: epochs, votes, fencing -------------------------------------------------

  private void onFence(String from, Fence f) {
    if (!rules.acceptFence(disk.epoch, f.epoch())) {
      return;
    }
    if (f.epoch() > disk.epoch) {
      disk.epoch = f.epoch();
      disk.vote = null;
      stepDown();
    }
    network.send(
        name,
        from,
        new FenceAck(name, disk.epoch, disk.lastEntryEpoch(), disk.lastLsn(), disk.copying));
  }

  private void onRole(Role r) {
    if (!rules.acceptRole(disk.epoch, disk.vote, r.epoch(), r.primaryName())
        || (r.primary() && disk.copying)) {
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
            + " last "
            + disk.lastEntryEpoch()
            + "/"
            + disk.lastLsn()
            + " rows "
            + disk.rows.size());
    if (r.primary()) {
      becomePrimary();
    }
  }

  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " " + name + ": " + what);
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
    }
    waiting.clear();
    disk.primary = false;
    disk.secondary = false;
  }

  // --- rule 3: the new primary commits its epoch before serving -----------------------------

  private void becomePrimary() {
    Entry noop = new Entry(disk.lastLsn() + 1, disk.epoch, -1, null);
    disk.apply(noop);
    noopLsn = noop.lsn();
    promotedAt = scheduler.now();
    nextLsn.clear();
    matchLsn.clear();
    lastAckSentAt.clear();
    for (String p : peers) {
      if (!p.equals(name)) {
        nextLsn.put(p, noop.lsn());
        sendAppend(p);
      }
    }
  }

  private void onWrite(String client, Write w) {
    if (!disk.primary) {
      network.send(name, client, new WriteReply(w.rid(), false, disk.epoch, "not primary"));
      return;
    }
    Long earlier = disk.rids.get(w.rid());
    long lsn;
    if (earlier != null) {
      lsn = earlier; // rule 8: a retry gets the original entry, never a second one
    } else {
      lsn = disk.lastLsn() + 1;
      disk.apply(new Entry(lsn, disk.epoch, w.key(), w.rid()));
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
    long committed = rules.quorumLsn(disk.lastLsn(), matchLsn, disk.replicas);
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

  // --- rule 4 and 5: log matching, quorum over the spec --------------------------------------

  private void sendAppend(String peer) {
    long next = nextLsn.getOrDefault(peer, disk.lastLsn() + 1);
    long prev = next - 1;
    long prevEpoch = disk.epochAt(prev);
    if (prevEpoch < 0) {
      // The peer needs entries this primary no longer holds in its log: it must re-copy.
      prev = disk.baseLsn;
      prevEpoch = disk.baseEpoch;
    }
    List<Entry> entries = new ArrayList<>(disk.log.tailMap(prev, false).values());
    if (entries.size() > 64) {
      entries = new ArrayList<>(entries.subList(0, 64));
    }
    network.send(
        name,
        peer,
        new Append(
            disk.epoch, prev, prevEpoch, List.copyOf(entries), scheduler.now(), disk.baseLsn));
  }

  private void onAppend(String from, Append a) {
    if (a.epoch() < disk.epoch) {
      network.send(
          name, from, new AppendAck(name, disk.epoch, true, false, -1, disk.lastLsn(), a.sentAt()));
      return;
    }
    if (a.epoch() > disk.epoch || !disk.secondary || !from.equals(disk.primaryName)) {
      // No role under this primary yet: answer without counting (not stale, not in sync).
      network.send(
          name, from, new AppendAck(name, a.epoch(), false, false, -1, disk.lastLsn(), a.sentAt()));
      return;
    }
    ReplicaRules.Match match =
        disk.copying
            ? ReplicaRules.Match.COPYING
            : rules.match(disk.baseLsn, disk.lastLsn(), disk.epochAt(a.prevLsn()), a);
    long matched = -1;
    switch (match) {
      case MATCHES -> {
        long lsn = a.prevLsn();
        for (Entry e : a.entries()) {
          long here = disk.epochAt(e.lsn());
          if (here == e.epoch()) {
            lsn = e.lsn();
            continue;
          }
          if (here >= 0) {
            // This replica holds a different entry at that LSN (an old primary's tail):
            // rows cannot be un-applied, so it re-copies (DESIGN §5 rule 4).
            startCopy();
            break;
          }
          disk.apply(e);
          lsn = e.lsn();
        }
        if (!disk.copying) {
          matched = lsn;
          verifiedEpoch = disk.epoch;
        }
      }
      case DIVERGED -> startCopy();
      case BEHIND -> {
        if (disk.lastLsn() < a.logStart()) {
          // The primary no longer holds the entries this replica lacks (rule 7: re-copy).
          startCopy();
        }
      }
      case BEFORE_BASE, COPYING -> {}
    }
    network.send(
        name,
        from,
        new AppendAck(name, disk.epoch, false, matched >= 0, matched, disk.lastLsn(), a.sentAt()));
  }

  private void onAppendAck(AppendAck a) {
    if (!disk.primary) {
      return;
    }
    if (a.stale() && a.epoch() > disk.epoch) {
      disk.epoch = a.epoch();
      disk.vote = null;
      stepDown();
      return;
    }
    if (a.epoch() != disk.epoch) {
      return;
    }
    lastAckSentAt.merge(a.name(), a.sentAt(), Math::max);
    if (a.inSync()) {
      matchLsn.merge(a.name(), a.matchLsn(), Math::max);
      nextLsn.put(a.name(), Math.max(nextLsn.getOrDefault(a.name(), 0L), a.matchLsn() + 1));
      release();
    } else {
      nextLsn.put(a.name(), Math.min(disk.lastLsn() + 1, a.lastLsn() + 1));
      // A replica that lost sync keeps no credit from before (rule 5).
      matchLsn.remove(a.name());
    }
  }

  // --- rule 7: copy state is durable and honest ----------------------------------------------

  private void startCopy() {
    trace("re-copy starts, had " + disk.rows.size() + " rows at " + disk.lastLsn());
    disk.copying = true;
    disk.log.clear();
    disk.rows.clear();
    disk.rids.clear();
    disk.baseLsn = 0;
    disk.baseEpoch = 0;
    verifiedEpoch = -1;
    askSnapshot();
  }

  private void askSnapshot() {
    snapshotAsked = true;
    network.send(name, disk.primaryName, new SnapshotRequest(disk.epoch));
    int inc = incarnation;
    scheduler.after(
        500,
        () -> {
          if (inc == incarnation) {
            snapshotAsked = false;
          }
        });
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
    snapshotAsked = false;
    trace("installed snapshot of " + s.rows().size() + " rows at " + s.lsn() + " from " + from);
  }

  // --- rule 9: fenced reads --------------------------------------------------------------

  private void onRead(String client, Read r) {
    boolean lease =
        disk.primary
            && rules.holdsLease(
                scheduler.now(), promotedAt, lastAckSentAt, disk.replicas, ShardSimulation.LEASE);
    if (!lease) {
      network.send(name, client, new ReadReply(r.id(), false, disk.epoch, List.of()));
      return;
    }
    network.send(
        name, client, new ReadReply(r.id(), true, disk.epoch, List.copyOf(disk.rows.keySet())));
  }
}
