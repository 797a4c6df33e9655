package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a history of inserts, updates and deletes of keys, and reads of them, against what the
 * promise allows for each key (a register): no acknowledged change lost, none applied twice or out
 * of order, no read that goes back in time, no session read that misses the client's own change.
 * Every change writes a value no other change writes, so a value names the change that wrote it
 * (absent: a delete, or no insert yet). Real time decides order: {@code a} precedes {@code b} when
 * {@code a} completed before {@code b} was invoked. Pure; the simulator feeds it (Jepsen's register
 * checkers, restricted to what a per-key order can show without a full linearizability search).
 */
public final class RegisterChecker {
  /** What a client learned of a change. */
  public enum Outcome {
    /** Acknowledged: it took effect. */
    OK,
    /** Timed out or answered 503: it may or may not take effect, now or later. */
    UNKNOWN,
    /** Refused before anything was written (404, 409, 400): it never takes effect. */
    REFUSED
  }

  /** A change of {@code key} to {@code value} (null: deleted), as the client saw it. */
  public record Change(
      String id, long key, Long value, long invokedAt, long completedAt, Outcome outcome) {
    boolean precedes(long time) {
      return outcome != Outcome.UNKNOWN ? completedAt < time : false;
    }
  }

  /**
   * A read of {@code key} that saw {@code value} (null: absent). {@code linearizable}: a {@code
   * primary} read, which must see every change acknowledged before it began; otherwise it is
   * checked only against {@code sessionFloor}, the id of the client's own acknowledged change its
   * session token covers (null: none).
   */
  public record Read(
      String client,
      long key,
      Long value,
      long invokedAt,
      long completedAt,
      boolean linearizable,
      String sessionFloor) {}

  private RegisterChecker() {}

  /**
   * Every violation in {@code changes} and {@code reads}, given each replica's final value of each
   * key ({@code finalValues}: replica → key → value, a missing key meaning absent), checked for the
   * keys the history touches.
   */
  public static List<String> violations(
      List<Change> changes, List<Read> reads, Map<String, Map<Long, Long>> finalValues) {
    List<String> out = new ArrayList<>();
    Map<Long, List<Change>> byKey = new HashMap<>();
    Map<Long, Change> byValue = new HashMap<>();
    for (Change c : changes) {
      byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
      if (c.value() != null && byValue.put(c.value(), c) != null) {
        throw new IllegalArgumentException("two changes write value " + c.value());
      }
    }
    for (Map.Entry<Long, List<Change>> e : byKey.entrySet()) {
      long key = e.getKey();
      for (Map.Entry<String, Map<Long, Long>> replica : finalValues.entrySet()) {
        Long value = replica.getValue().get(key);
        String problem = finalProblem(key, value, e.getValue(), byValue);
        if (problem != null) {
          out.add(problem + " on " + replica.getKey());
        }
      }
    }
    for (Read r : reads) {
      String problem = readProblem(r, byKey.getOrDefault(r.key(), List.of()), byValue);
      if (problem != null) {
        out.add(problem);
      }
    }
    out.addAll(monotonicReads(reads, byValue));
    return out;
  }

  /**
   * Why {@code value} cannot be the final value of {@code key}, or null. A final value must come
   * from a change that took effect or may have (not refused), of this key, and no acknowledged
   * change of the key may follow it in real time (that one would have been lost or overwritten by
   * an older change applied again). Absent is allowed when no acknowledged insert or update is left
   * without a later possible delete.
   */
  static String finalProblem(long key, Long value, List<Change> ofKey, Map<Long, Change> byValue) {
    Change from = value == null ? null : byValue.get(value);
    if (value != null && (from == null || from.key() != key)) {
      return "key " + key + " holds value " + value + ", which no change of it wrote";
    }
    if (from != null && from.outcome() == Outcome.REFUSED) {
      return "key " + key + " holds value " + value + " of refused change " + from.id();
    }
    for (Change later : ofKey) {
      if (later.outcome() != Outcome.OK || later == from) {
        continue;
      }
      boolean overwritten =
          from == null
              // Absent: an acknowledged non-delete with no possible delete after or concurrent.
              ? later.value() != null && !deletedAfter(later, ofKey)
              : from.precedes(later.invokedAt());
      if (overwritten) {
        return "key "
            + key
            + " ends "
            + (value == null ? "absent" : "at value " + value + " (" + from.id() + ")")
            + " though "
            + later.id()
            + (later.value() == null ? " (delete)" : " (value " + later.value() + ")")
            + " was acknowledged after it: lost or reordered";
      }
    }
    return null;
  }

  private static boolean deletedAfter(Change c, List<Change> ofKey) {
    return ofKey.stream()
        .anyMatch(
            d -> d.value() == null && d.outcome() != Outcome.REFUSED && !d.precedes(c.invokedAt()));
  }

  /** Why {@code r} could not have seen its value, or null. */
  static String readProblem(Read r, List<Change> ofKey, Map<Long, Change> byValue) {
    Change seen = r.value() == null ? null : byValue.get(r.value());
    if (r.value() != null && (seen == null || seen.key() != r.key())) {
      return "read of key " + r.key() + " saw value " + r.value() + ", which no change of it wrote";
    }
    if (seen != null && seen.outcome() == Outcome.REFUSED) {
      return "read of key " + r.key() + " saw value of refused change " + seen.id();
    }
    if (seen != null && seen.invokedAt() > r.completedAt()) {
      return "read of key " + r.key() + " saw " + seen.id() + " before it was sent";
    }
    if (r.linearizable()) {
      // A change acknowledged before the read began, and after the one seen: the read is stale.
      for (Change c : ofKey) {
        if (c.outcome() == Outcome.OK
            && c != seen
            && c.precedes(r.invokedAt())
            && (seen == null
                ? c.value() != null && !deletedAfter(c, ofKey)
                : seen.precedes(c.invokedAt()))) {
          return "stale primary read of key "
              + r.key()
              + " by "
              + r.client()
              + " at t="
              + r.invokedAt()
              + ": saw "
              + (seen == null ? "absent" : seen.id())
              + " though "
              + c.id()
              + " was acknowledged at t="
              + c.completedAt();
        }
      }
    }
    if (r.sessionFloor() != null) {
      Change own =
          ofKey.stream().filter(c -> c.id().equals(r.sessionFloor())).findFirst().orElse(null);
      if (own != null
          && own != seen
          && (seen == null
              ? own.value() != null && !deletedAfter(own, ofKey)
              : seen.precedes(own.invokedAt()))) {
        return "session read of key "
            + r.key()
            + " by "
            + r.client()
            + " missed its own "
            + own.id()
            + " (saw "
            + (seen == null ? "absent" : seen.id())
            + ")";
      }
    }
    return null;
  }

  /**
   * Primary reads of one key never go back: if one read completed before another began, the later
   * one must not see a change that precedes the change the earlier one saw (v1, v2, v1).
   */
  static List<String> monotonicReads(List<Read> reads, Map<Long, Change> byValue) {
    List<String> out = new ArrayList<>();
    List<Read> primary =
        reads.stream()
            .filter(r -> r.linearizable() && r.value() != null)
            .sorted(Comparator.comparingLong(Read::invokedAt))
            .toList();
    for (int i = 0; i < primary.size(); i++) {
      Read earlier = primary.get(i);
      Change a = byValue.get(earlier.value());
      for (int j = i + 1; j < primary.size(); j++) {
        Read later = primary.get(j);
        if (later.key() != earlier.key() || earlier.completedAt() >= later.invokedAt()) {
          continue;
        }
        Change b = byValue.get(later.value());
        if (a != null && b != null && !Objects.equals(a, b) && b.precedes(a.invokedAt())) {
          out.add(
              "primary reads of key "
                  + earlier.key()
                  + " went back: "
                  + a.id()
                  + " at t="
                  + earlier.invokedAt()
                  + ", then the older "
                  + b.id()
                  + " at t="
                  + later.invokedAt());
        }
      }
    }
    return out;
  }

  /**
   * Rule 8 on each replica's log ({@code logged}: replica → the request ids of its log entries): a
   * request id logged twice was applied twice (a retry that was not deduplicated).
   */
  public static List<String> appliedTwice(Map<String, List<String>> logged) {
    List<String> out = new ArrayList<>();
    logged.forEach(
        (replica, ids) -> {
          Map<String, Integer> n = new HashMap<>();
          ids.forEach(id -> n.merge(id, 1, Integer::sum));
          n.forEach(
              (id, times) -> {
                if (times > 1) {
                  out.add("request " + id + " was applied " + times + " times on " + replica);
                }
              });
        });
    return out;
  }

  /** Replicas whose final values differ from the first one's (they must converge). */
  public static List<String> diverged(Map<String, Map<Long, Long>> finalValues) {
    List<String> out = new ArrayList<>();
    Map.Entry<String, Map<Long, Long>> first = null;
    for (Map.Entry<String, Map<Long, Long>> e : finalValues.entrySet()) {
      if (first == null) {
        first = e;
      } else if (!e.getValue().equals(first.getValue())) {
        int before = out.size();
        for (Map.Entry<Long, Long> kv : first.getValue().entrySet()) {
          Long other = e.getValue().get(kv.getKey());
          if (!kv.getValue().equals(other)) {
            out.add(
                "replicas did not converge on key "
                    + kv.getKey()
                    + ": "
                    + first.getKey()
                    + " has value "
                    + kv.getValue()
                    + ", "
                    + e.getKey()
                    + " has "
                    + other);
            break;
          }
        }
        if (out.size() == before) {
          out.add(
              "replicas did not converge: "
                  + e.getKey()
                  + " has keys "
                  + first.getKey()
                  + " lacks");
        }
      }
    }
    return out;
  }
}
