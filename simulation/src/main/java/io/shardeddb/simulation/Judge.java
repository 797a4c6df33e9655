package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.LogEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The end-of-run checks every simulated world runs on each shard's replicas once every fault healed
 * and the world settled: no acknowledged change lost or applied again, no request id twice in a
 * replica's log (rule 8), the replicas converged on the same values, every log's commit times
 * (DESIGN §9), no running replica's memory behind its own storage (rule 15: a COMMIT whose reply
 * was lost is read back, never left for every later apply to collide with), and every log whole
 * from where it starts (a trim removes a prefix only). One place for them, so a check added here
 * reaches every world ({@link ShardSimulation}, {@link MoveSimulation}); what only one world can
 * judge (a move's layout, the reads of a router, the schema) stays with it.
 */
final class Judge {
  private Judge() {}

  /**
   * One replica at the end: its name, every key's value, its log in LSN order, and the position its
   * running process holds applied in memory ({@code applied}; {@link #NOT_RUNNING} when it is not
   * running or copying, so only its storage is judged).
   */
  record Replica(String name, Map<Long, Long> values, Collection<LogEntry> log, long applied) {
    static final long NOT_RUNNING = -1;

    Replica(String name, Map<Long, Long> values, Collection<LogEntry> log) {
      this(name, values, log, NOT_RUNNING);
    }

    static Replica of(SimReplica replica) {
      SimDisk d = replica.disk();
      return new Replica(
          replica.name(),
          new TreeMap<>(d.values),
          List.copyOf(d.log.values()),
          replica.appliedInMemory());
    }
  }

  /**
   * The verdict on {@code replicas} of {@code shard}. {@code changes}: the clients' changes of the
   * keys the shard owns, each key's in the order its one writer sent them; null when the replicas
   * need not agree (the shard was left without a quorum holding data), so only their logs are
   * judged. {@code history}: what the acknowledged writes' commit times are checked against (null:
   * each log's own order only).
   */
  static List<String> verdict(
      String shard,
      List<Replica> replicas,
      Map<Long, List<RegisterChecker.Change>> changes,
      History history) {
    List<String> out = new ArrayList<>();
    if (changes != null) {
      out.addAll(changes(shard, replicas, changes));
    }
    Map<String, List<String>> logged = new LinkedHashMap<>();
    for (Replica r : replicas) {
      logged.put(
          r.name(), r.log().stream().map(LogEntry::requestId).filter(Objects::nonNull).toList());
    }
    out.addAll(RegisterChecker.appliedTwice(logged));
    if (changes != null) {
      Map<String, Map<Long, Long>> values = new LinkedHashMap<>();
      replicas.forEach(r -> values.put(r.name(), r.values()));
      out.addAll(RegisterChecker.diverged(values));
    }
    for (Replica r : replicas) {
      out.addAll(
          Checker.commitTimeViolations(
              r.name(), r.log(), history, SimClock.WALL_START_MILLIS, SimClock.MAX_SKEW_MILLIS));
      out.addAll(memoryBehindStorage(shard, r));
      out.addAll(logHoles(shard, r));
    }
    return out;
  }

  /**
   * A replica's log holds consecutive LSNs from where it starts (a trim removes a prefix, a re-copy
   * all of it; nothing removes entries in between, and nothing appends past a missing one).
   */
  static List<String> logHoles(String shard, Replica r) {
    long previous = -1;
    for (LogEntry e : r.log()) {
      if (previous >= 0 && e.lsn() > previous + 1) {
        return List.of(
            r.name()
                + "'s log of "
                + shard
                + " jumps from lsn "
                + previous
                + " to lsn "
                + e.lsn()
                + ": entries missing in between");
      }
      previous = e.lsn();
    }
    return List.of();
  }

  /**
   * A running replica whose memory ends before the log its storage holds, once the world settled: a
   * COMMIT that landed with its reply lost (a database restarted under the live process) was never
   * read back, so every later apply re-inserts an entry storage holds (review 2026-11-26 #4).
   */
  static List<String> memoryBehindStorage(String shard, Replica r) {
    if (r.applied() == Replica.NOT_RUNNING || r.log().isEmpty()) {
      return List.of();
    }
    long stored = r.log().stream().mapToLong(LogEntry::lsn).max().orElseThrow();
    if (r.applied() >= stored) {
      return List.of();
    }
    return List.of(
        r.name()
            + " of "
            + shard
            + " holds lsn "
            + r.applied()
            + " applied in memory but its storage holds the log to lsn "
            + stored
            + ": a commit whose reply was lost was never read back");
  }

  /**
   * Each key on every one of {@code replicas}: present if a change of it that writes a value was
   * acknowledged (unless a delete of it was acknowledged last, or may have landed), and its value
   * written by its last acknowledged change or by one sent after it that was not refused, or by one
   * whose outcome stayed unknown (it may land late, whenever): nothing acknowledged lost, nothing
   * older applied again after it, no acknowledged delete undone. Stricter than real-time order
   * ({@link RegisterChecker#finalProblem}) where one writer's retry of an earlier change outlives a
   * later change of another's: the earlier one took effect before the later was sent.
   */
  static List<String> changes(
      String shard, List<Replica> replicas, Map<Long, List<RegisterChecker.Change>> changes) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Long, List<RegisterChecker.Change>> e : changes.entrySet()) {
      long key = e.getKey();
      List<RegisterChecker.Change> ofKey = e.getValue();
      int lastAck = -1;
      boolean written = false;
      for (int i = 0; i < ofKey.size(); i++) {
        if (ofKey.get(i).outcome() == RegisterChecker.Outcome.OK) {
          lastAck = i;
          written |= ofKey.get(i).value() != null;
        }
      }
      // A delete allows the key's absence (null).
      Set<Long> allowed = new HashSet<>();
      for (int i = 0; i < ofKey.size(); i++) {
        RegisterChecker.Change c = ofKey.get(i);
        if ((i >= lastAck && c.outcome() != RegisterChecker.Outcome.REFUSED)
            || c.outcome() == RegisterChecker.Outcome.UNKNOWN) {
          allowed.add(c.value());
        }
      }
      for (Replica r : replicas) {
        Long value = r.values().get(key);
        if (value == null) {
          if (written && !allowed.contains(null)) {
            out.add(
                "acknowledged key "
                    + key
                    + " is missing on "
                    + r.name()
                    + " of its owner "
                    + shard
                    + "; its changes: "
                    + describe(ofKey));
          }
        } else if (!allowed.contains(value)) {
          out.add(
              "key "
                  + key
                  + " on "
                  + r.name()
                  + " of "
                  + shard
                  + " holds "
                  + value
                  + ", not its last acknowledged change or a later one; its changes: "
                  + describe(ofKey));
        }
      }
    }
    return out;
  }

  private static String describe(List<RegisterChecker.Change> ofKey) {
    return ofKey.stream()
        .map(
            c ->
                c.id()
                    + (c.value() == null ? " delete" : "=" + c.value())
                    + " "
                    + c.outcome()
                    + " [t="
                    + c.invokedAt()
                    + ", "
                    + c.completedAt()
                    + "]")
        .toList()
        .toString();
  }
}
