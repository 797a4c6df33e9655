package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.LogEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The promise of DESIGN §5 as checks over a {@link History} and the replicas' final state (after
 * every fault healed and the shard settled): no acknowledged write lost, none applied twice, at
 * most one replica acknowledging per epoch, all replicas converged, and no {@code primary} read
 * missing a write acknowledged before the read began. A key a client sent a delete of is left to
 * the {@link RegisterChecker} for presence (its other checks still apply to it).
 */
public final class Checker {
  /** What one replica holds at the end: its rows' keys and each key's count of applications. */
  public record FinalState(String replica, long lastLsn, Map<Long, Integer> applications) {}

  private Checker() {}

  /** Every violation found, empty when the run kept the promise. */
  public static List<String> violations(History history, List<FinalState> replicas) {
    List<String> out = new ArrayList<>();
    Map<Long, String> ackerOfEpoch = new HashMap<>();
    for (History.Write w : history.writes()) {
      if (w.outcome != History.Outcome.OK) {
        continue;
      }
      String other = ackerOfEpoch.putIfAbsent(w.ackedEpoch, w.ackedBy);
      if (other != null && !other.equals(w.ackedBy)) {
        out.add(
            "two replicas acknowledged writes in epoch "
                + w.ackedEpoch
                + ": "
                + other
                + " and "
                + w.ackedBy);
      }
      for (FinalState r : replicas) {
        if (!r.applications().containsKey(w.key) && !history.mayBeDeleted(w.key)) {
          out.add(
              "acknowledged write of key "
                  + w.key
                  + " ("
                  + w.requestId
                  + ", acked by "
                  + w.ackedBy
                  + " at epoch "
                  + w.ackedEpoch
                  + ") is missing on "
                  + r.replica());
        }
      }
    }
    for (FinalState r : replicas) {
      r.applications()
          .forEach(
              (key, n) -> {
                if (n > 1) {
                  out.add("key " + key + " was applied " + n + " times on " + r.replica());
                }
              });
    }
    if (!replicas.isEmpty()) {
      FinalState first = replicas.get(0);
      for (FinalState r : replicas.subList(1, replicas.size())) {
        if (!r.applications().keySet().equals(first.applications().keySet())
            || r.lastLsn() != first.lastLsn()) {
          out.add(
              "replicas did not converge: "
                  + first.replica()
                  + " has "
                  + first.applications().size()
                  + " keys at lsn "
                  + first.lastLsn()
                  + ", "
                  + r.replica()
                  + " has "
                  + r.applications().size()
                  + " keys at lsn "
                  + r.lastLsn());
        }
      }
    }
    for (History.Read read : history.reads()) {
      Set<Long> seen = new HashSet<>(read.keys());
      for (History.Write w : history.writes()) {
        if (w.outcome == History.Outcome.OK
            && w.completedAt < read.invokedAt()
            && !seen.contains(w.key)
            && !history.mayBeDeleted(w.key)) {
          out.add(
              "stale primary read by "
                  + read.servedBy()
                  + " at epoch "
                  + read.epoch()
                  + " (t="
                  + read.invokedAt()
                  + ") misses key "
                  + w.key
                  + " acknowledged at t="
                  + w.completedAt);
        }
      }
    }
    return out;
  }

  /** Acknowledged writes that no replica in {@code holding} has (lost outright). */
  public static List<String> lostFromAll(History history, List<FinalState> holding) {
    List<String> out = new ArrayList<>();
    for (History.Write w : history.writes()) {
      if (w.outcome == History.Outcome.OK
          && !history.mayBeDeleted(w.key)
          && holding.stream().noneMatch(r -> r.applications().containsKey(w.key))) {
        out.add("acknowledged write of key " + w.key + " is on no replica that holds data");
      }
    }
    return out;
  }

  /**
   * DESIGN §9's commit times in one replica's log ({@code log} in LSN order): every entry carries
   * one, they never go back along the log (so a restore to a time replays a prefix), and an
   * acknowledged write's lies within the clocks' skew of when the client waited for it ({@code
   * wallStart} plus simulated milliseconds is the true wall time; {@code maxSkew} bounds every
   * replica's error), so a restore to a time keeps every write acknowledged that long before it
   * ({@code history} null: the log's own checks only).
   */
  public static List<String> commitTimeViolations(
      String replica, Collection<LogEntry> log, History history, long wallStart, long maxSkew) {
    List<String> out = new ArrayList<>();
    LogEntry before = null;
    for (LogEntry e : log) {
      if (e.commitMillis() <= 0) {
        out.add("entry " + e.epoch() + "/" + e.lsn() + " on " + replica + " has no commit time");
      } else if (before != null && e.commitMillis() < before.commitMillis()) {
        out.add(
            "commit time goes back on "
                + replica
                + ": entry "
                + e.epoch()
                + "/"
                + e.lsn()
                + " at "
                + e.commitMillis()
                + " after "
                + before.epoch()
                + "/"
                + before.lsn()
                + " at "
                + before.commitMillis());
      }
      History.Write w =
          history == null || e.requestId() == null ? null : history.byRequest(e.requestId());
      if (w != null
          && w.outcome == History.Outcome.OK
          && (e.commitMillis() > wallStart + w.completedAt + maxSkew
              || e.commitMillis() < wallStart + w.invokedAt - maxSkew)) {
        out.add(
            "acknowledged write "
                + w.requestId
                + " on "
                + replica
                + " carries commit time "
                + (e.commitMillis() - wallStart)
                + " outside its call ["
                + w.invokedAt
                + ", "
                + w.completedAt
                + "] by more than the clocks' skew");
      }
      before = e;
    }
    return out;
  }
}
