package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.shard.LogEntry;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rule 15: what the log entries storage holds after a commit whose outcome is unknown (an error in
 * or after COMMIT) say about that commit — on the primary after a group commit, on a secondary
 * after a replay. Only content decides: storage holding <em>an</em> entry at the commit's last LSN
 * in the right epoch proves nothing, since a transaction of the same term given up as "nothing
 * written" may have landed there after the read-back looked (InnoDB: its COMMIT was in flight and
 * it held the log rows, so the next batch's insert waited for it and then hit a duplicate key).
 */
public final class CommitReadBack {
  private CommitReadBack() {}

  /** What storage says about one commit. */
  public enum Verdict {
    /** Storage holds nothing past the position the commit started from. */
    NOTHING_WRITTEN,
    /** Storage holds exactly the commit's entries, no more, no other. */
    COMMITTED,
    /** Storage holds other entries there (or more, or fewer): the commit's outcome is not known. */
    OTHER
  }

  /**
   * The verdict on a commit of {@code planned} (consecutive entries, possibly empty) given {@code
   * stored}: every entry storage holds past the position the commit started from, in order.
   */
  public static Verdict verdict(List<LogEntry> planned, List<LogEntry> stored) {
    if (stored.isEmpty()) {
      return Verdict.NOTHING_WRITTEN;
    }
    return !planned.isEmpty() && sameEntries(planned, stored) ? Verdict.COMMITTED : Verdict.OTHER;
  }

  /**
   * How many of {@code stored}'s leading entries are those of {@code applying}: a secondary's
   * replay whose reply was lost resumes after them. Entries compare by {@link #sameEntry}.
   */
  public static int matchingPrefix(List<LogEntry> applying, List<LogEntry> stored) {
    int n = 0;
    while (n < applying.size() && n < stored.size() && sameEntry(applying.get(n), stored.get(n))) {
      n++;
    }
    return n;
  }

  /** Whether {@code a} and {@code b} are the same entries, in order ({@link #sameEntry}). */
  public static boolean sameEntries(List<LogEntry> a, List<LogEntry> b) {
    return a.size() == b.size() && matchingPrefix(a, b) == a.size();
  }

  /**
   * Whether two entries are the same: position, epoch, operation, key, request id (a retry of one
   * request is one entry, rule 8) and rows — two changes without a request id may be planned at one
   * position by two batches of one term, only one of which is stored. Row values compare as the
   * log's decoding gives them back: numbers by value (a request's {@code 5} and the log's {@code
   * 5L} are one), anything else by its text. A false "not the same" costs a 503 "outcome unknown",
   * never a wrong acknowledgement.
   */
  public static boolean sameEntry(LogEntry a, LogEntry b) {
    return a.lsn() == b.lsn()
        && a.epoch() == b.epoch()
        && a.op() == b.op()
        && Objects.equals(a.key(), b.key())
        && Objects.equals(a.requestId(), b.requestId())
        && sameRows(a.rows(), b.rows());
  }

  private static boolean sameRows(List<Map<String, Object>> a, List<Map<String, Object>> b) {
    List<Map<String, Object>> x = a == null ? List.of() : a;
    List<Map<String, Object>> y = b == null ? List.of() : b;
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      Map<String, Object> r = x.get(i);
      Map<String, Object> s = y.get(i);
      if (r.size() != s.size()) {
        return false;
      }
      for (Map.Entry<String, Object> c : r.entrySet()) {
        if (!s.containsKey(c.getKey()) || !sameValue(c.getValue(), s.get(c.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean sameValue(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number m && b instanceof Number n) {
      try {
        return new BigDecimal(m.toString()).compareTo(new BigDecimal(n.toString())) == 0;
      } catch (NumberFormatException e) {
        return m.toString().equals(n.toString());
      }
    }
    return a.toString().equals(b.toString());
  }
}
