package io.shardeddb.router.shard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What to send to one shard-server endpoint next, as a second group commit: at most {@code
 * maxInFlight} requests in flight; an item that arrives while that many are out waits, and the
 * waiting items go together in the next request once one returns (the replication sender's
 * pattern). A lone item goes alone, so one client sees no added latency; a full batch ({@code
 * maxBatch} waiting) goes at once, so no more than a batch ever waits. Pure rules: no I/O, no
 * clock, no locking (the caller serializes calls).
 */
final class CoalesceQueue<T> {
  private final int maxBatch;
  private int maxInFlight;
  private final ArrayDeque<T> waiting = new ArrayDeque<>();
  private int inFlight;

  /** One request to start now: its items, in arrival order (one item: the plain endpoint). */
  record Send<T>(List<T> items) {
    Send {
      items = List.copyOf(items);
    }

    /** Whether this request carries one item, sent to the plain (unbatched) endpoint. */
    boolean alone() {
      return items.size() == 1;
    }
  }

  CoalesceQueue(int maxBatch, int maxInFlight) {
    if (maxBatch < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException(
          "maxBatch and maxInFlight must be at least 1, not " + maxBatch + ", " + maxInFlight);
    }
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /**
   * From now on at most {@code maxInFlight} requests in flight (those out stay out; a smaller
   * window only holds new ones back until enough returned).
   */
  void window(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
  }

  /** {@code item} arrives: the requests to start now (none: it waits for one to return). */
  List<Send<T>> offer(T item) {
    if (inFlight < maxInFlight && waiting.isEmpty()) {
      inFlight++;
      return List.of(new Send<>(List.of(item)));
    }
    waiting.add(item);
    if (waiting.size() >= maxBatch) {
      // Waiting longer would not make the batch bigger, only later.
      return List.of(take());
    }
    return List.of();
  }

  /** A request this queue started has ended (whatever its outcome): the requests to start now. */
  List<Send<T>> done() {
    if (inFlight == 0) {
      throw new IllegalStateException("done() without a request in flight");
    }
    inFlight--;
    List<Send<T>> out = new ArrayList<>();
    while (inFlight < maxInFlight && !waiting.isEmpty()) {
      out.add(take());
    }
    return out;
  }

  /**
   * A request this queue started ended without an answer (unreachable, timed out): the items
   * waiting behind it are taken out, for the caller to fail the same way — sending them to a
   * replica that just did not answer would cost each of them another timeout (DESIGN §5 rule 10: a
   * hung peer costs one timeout). Their callers retry as after any unreachable replica.
   */
  List<T> doneUnanswered() {
    if (inFlight == 0) {
      throw new IllegalStateException("doneUnanswered() without a request in flight");
    }
    inFlight--;
    List<T> out = new ArrayList<>(waiting);
    waiting.clear();
    return out;
  }

  /** Takes a waiting item back (its caller gave up before it was sent); false if already sent. */
  boolean withdraw(T item) {
    return waiting.remove(item);
  }

  /** Nothing in flight and nothing waiting: the queue can be forgotten. */
  boolean idle() {
    return inFlight == 0 && waiting.isEmpty();
  }

  /** Requests started and not yet done. */
  int inFlight() {
    return inFlight;
  }

  /** Items waiting to be sent. */
  int waiting() {
    return waiting.size();
  }

  private Send<T> take() {
    int n = Math.min(maxBatch, waiting.size());
    List<T> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(waiting.poll());
    }
    inFlight++;
    return new Send<>(items);
  }
}
