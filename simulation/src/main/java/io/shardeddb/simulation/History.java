package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What clients saw, in simulated time: every write invoked and how it ended, which replica
 * acknowledged it at which epoch, and every {@code primary} read with the keys it returned. The
 * {@link Checker} judges a run from this and the replicas' final state alone.
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
}
