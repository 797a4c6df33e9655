package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What clients saw, in simulated time: every write invoked and how it ended, which replica
 * acknowledged it at which epoch, and every {@code primary} read with the keys it returned; and
 * every change (insert, update, delete) and read of one key, at each consistency level. The {@link
 * Checker} and the {@link RegisterChecker} judge a run from this and the replicas' final state
 * alone.
 */
public final class History {
  /** How a client operation ended. */
  public enum Outcome {
    PENDING,
    OK,
    FAILED,
    /** Timed out or the connection broke: it may or may not have happened. */
    UNKNOWN
  }

  /** One client write of {@code key} (an insert) sent with {@code requestId}. */
  public static final class Write {
    final long key;
    final String requestId;
    final long invokedAt;
    long completedAt = -1;
    Outcome outcome = Outcome.PENDING;
    String ackedBy;
    long ackedEpoch;

    Write(long key, String requestId, long invokedAt) {
      this.key = key;
      this.requestId = requestId;
      this.invokedAt = invokedAt;
    }

    public long key() {
      return key;
    }

    public String requestId() {
      return requestId;
    }

    public Outcome outcome() {
      return outcome;
    }

    long invokedAtForClient() {
      return invokedAt;
    }
  }

  /** One {@code primary} read of every key, answered by {@code servedBy} at {@code epoch}. */
  public record Read(
      long invokedAt, long completedAt, String servedBy, long epoch, List<Long> keys) {}

  private final List<Write> writes = new ArrayList<>();
  private final Map<String, Write> byRequest = new HashMap<>();
  private final List<Read> reads = new ArrayList<>();

  public Write invoke(long key, String requestId, long now) {
    Write w = new Write(key, requestId, now);
    writes.add(w);
    byRequest.put(requestId, w);
    return w;
  }

  /** A replica acknowledged the write: it must never be lost. */
  public void ok(Write w, String replica, long epoch, long now) {
    if (w.outcome == Outcome.PENDING || w.outcome == Outcome.UNKNOWN) {
      w.outcome = Outcome.OK;
      w.completedAt = now;
      w.ackedBy = replica;
      w.ackedEpoch = epoch;
    }
  }

  public void failed(Write w, long now) {
    if (w.outcome == Outcome.PENDING) {
      w.outcome = Outcome.FAILED;
      w.completedAt = now;
    }
  }

  public void unknown(Write w, long now) {
    if (w.outcome == Outcome.PENDING) {
      w.outcome = Outcome.UNKNOWN;
      w.completedAt = now;
    }
  }

  public void read(Read r) {
    reads.add(r);
  }

  public List<Write> writes() {
    return Collections.unmodifiableList(writes);
  }

  public List<Read> reads() {
    return Collections.unmodifiableList(reads);
  }

  public Write byRequest(String requestId) {
    return byRequest.get(requestId);
  }

  // --- inserts, updates and deletes, and reads of one key, for the RegisterChecker ------------

  /** What a change does to its key. */
  public enum Kind {
    INSERT,
    UPDATE,
    DELETE
  }

  /**
   * One client change of {@code key} to {@code value} (null: a delete), sent with {@code
   * requestId}; an insert is also a {@link Write}. {@code lsn}: its entry, once acknowledged.
   */
  public static final class Change {
    final Kind kind;
    final long key;
    final Long value;
    final String requestId;
    final long invokedAt;
    long completedAt = -1;
    Outcome outcome = Outcome.PENDING;
    long lsn = -1;

    Change(Kind kind, long key, Long value, String requestId, long invokedAt) {
      this.kind = kind;
      this.key = key;
      this.value = value;
      this.requestId = requestId;
      this.invokedAt = invokedAt;
    }

    public Kind kind() {
      return kind;
    }

    public long key() {
      return key;
    }

    public Long value() {
      return value;
    }

    public String requestId() {
      return requestId;
    }

    public long invokedAt() {
      return invokedAt;
    }

    public Outcome outcome() {
      return outcome;
    }

    /** As the {@link RegisterChecker} takes it: a refusal never took effect, no answer may have. */
    RegisterChecker.Change forChecker() {
      RegisterChecker.Outcome o =
          switch (outcome) {
            case OK -> RegisterChecker.Outcome.OK;
            case FAILED -> RegisterChecker.Outcome.REFUSED;
            case PENDING, UNKNOWN -> RegisterChecker.Outcome.UNKNOWN;
          };
      return new RegisterChecker.Change(requestId, key, value, invokedAt, completedAt, o);
    }
  }

  /**
   * A read of {@code key} at {@code level} that saw {@code value} (null: absent), served by {@code
   * servedBy}; {@code sessionFloor}: the client's last acknowledged change of the key, which its
   * session token covers (session reads with a token only).
   */
  public record KeyRead(
      String client,
      long key,
      Long value,
      long invokedAt,
      long completedAt,
      Messages.Level level,
      String sessionFloor,
      String servedBy) {
    RegisterChecker.Read forChecker() {
      return new RegisterChecker.Read(
          client,
          key,
          value,
          invokedAt,
          completedAt,
          level == Messages.Level.PRIMARY,
          sessionFloor);
    }
  }

  private final List<Change> changes = new ArrayList<>();
  private final Map<String, Change> changeByRequest = new HashMap<>();
  private final List<KeyRead> keyReads = new ArrayList<>();
  private final Set<Long> maybeDeleted = new HashSet<>();

  public Change change(Kind kind, long key, Long value, String requestId, long now) {
    Change c = new Change(kind, key, value, requestId, now);
    changes.add(c);
    changeByRequest.put(requestId, c);
    if (kind == Kind.DELETE) {
      maybeDeleted.add(key);
    }
    return c;
  }

  public Change changeByRequest(String requestId) {
    return changeByRequest.get(requestId);
  }

  /** Acknowledged with its entry at {@code lsn}. */
  public void ok(Change c, long lsn, long now) {
    if (c.outcome == Outcome.PENDING || c.outcome == Outcome.UNKNOWN) {
      c.outcome = Outcome.OK;
      c.completedAt = now;
      c.lsn = lsn;
    }
  }

  /** Refused (404): it never takes effect. */
  public void refused(Change c, long now) {
    if (c.outcome == Outcome.PENDING) {
      c.outcome = Outcome.FAILED;
      c.completedAt = now;
    }
  }

  public void unknown(Change c, long now) {
    if (c.outcome == Outcome.PENDING) {
      c.outcome = Outcome.UNKNOWN;
      c.completedAt = now;
    }
  }

  public void keyRead(KeyRead r) {
    keyReads.add(r);
  }

  public List<Change> changes() {
    return Collections.unmodifiableList(changes);
  }

  public List<KeyRead> keyReads() {
    return Collections.unmodifiableList(keyReads);
  }

  /**
   * Whether a delete of {@code key} was sent: the {@link Checker}'s insert-only checks (present on
   * every replica, in every later {@code primary} read of all keys) leave such a key to the {@link
   * RegisterChecker}.
   */
  public boolean mayBeDeleted(long key) {
    return maybeDeleted.contains(key);
  }
}
