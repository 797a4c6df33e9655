package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The simulator's only source of time, order and chance: a queue of events ordered by simulated
 * time (ties by insertion order) run on the calling thread, and one seeded {@link Random}. Two runs
 * with the same seed and the same code execute the same events in the same order.
 */
public final class Scheduler {
  private record Event(long at, long seq, Runnable action) {}

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Random random;
  private long now;
  private long seq;
  private long executed;

  public Scheduler(long seed) {
    this.random = new Random(seed);
  }

  /** Simulated milliseconds since the start of the run. */
  public long now() {
    return now;
  }

  /** Simulated time as monotonic nanoseconds, for decision code that measures leases. */
  /** How many replica waits ({@link #waitUntil}) are running, one inside another. */
  private int waiting;

  /** Operator actions that came due inside a wait, run when the outermost one returns. */
  private final List<Runnable> deferred = new ArrayList<>();

  public long nanos() {
    return now * 1_000_000L;
  }

  public Random random() {
    return random;
  }

  /** Runs {@code action} {@code delayMillis} from now (0 = after everything already due now). */
  public void after(long delayMillis, Runnable action) {
    queue.add(new Event(now + Math.max(0, delayMillis), seq++, action));
  }

  /** Runs events until none is due before {@code until} or the queue is empty. */
  public void runUntil(long until) {
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Event e = queue.poll();
      now = e.at;
      executed++;
      e.action.run();
    }
    now = Math.max(now, until);
  }

  /**
   * A blocking call that takes simulated time, made from inside an event (a re-copy reading its
   * snapshot stream chunk by chunk): the rest of the world goes on until {@code at} — also past
   * where the caller's own run was to stop, as the operator's blocking calls do; a scripted
   * schedule that must act inside such a call acts from an event. Interrupts an event raises
   * meanwhile (a role change cancelling a task that is running, as {@code FutureTask.cancel(true)}
   * does, on this one thread) are cleared after each event: the cancelled code notices by its own
   * state (a generation), never by the flag, which would otherwise hit whatever blocking call runs
   * next on this thread.
   */
  void waitUntil(long at) {
    waiting++;
    try {
      while (!queue.isEmpty() && queue.peek().at <= at) {
        Event e = queue.poll();
        now = e.at;
        executed++;
        e.action.run();
        Thread.interrupted();
      }
      now = Math.max(now, at);
    } finally {
      waiting--;
      Thread.interrupted();
      if (waiting == 0 && !deferred.isEmpty()) {
        List<Runnable> again = new ArrayList<>(deferred);
        deferred.clear();
        for (Runnable r : again) {
          after(0, r);
        }
      }
    }
  }

  /**
   * Runs {@code action} {@code delayMillis} from now, but never nested inside a replica's blocking
   * wait ({@link #waitUntil}): the simulated operator's passes make blocking calls of their own,
   * and in production they run on the operator's threads, not on top of a replica's copy. An action
   * due while a wait runs is run right after the outermost wait returns.
   */
  public void afterOutsideWaits(long delayMillis, Runnable action) {
    Runnable[] self = new Runnable[1];
    self[0] =
        () -> {
          if (waiting > 0) {
            deferred.add(self[0]);
          } else {
            action.run();
          }
        };
    after(delayMillis, self[0]);
  }

  /**
   * Runs events until {@code done} holds, or none is due before {@code until} (then the time is
   * {@code until}): a blocking call of the simulated operator, during which the rest of the world
   * goes on (the call is made from inside an event; nothing the caller schedules itself is due
   * before it returns).
   */
  public void runUntil(long until, java.util.function.BooleanSupplier done) {
    while (!done.getAsBoolean() && !queue.isEmpty() && queue.peek().at <= until) {
      Event e = queue.poll();
      now = e.at;
      executed++;
      e.action.run();
    }
    if (!done.getAsBoolean()) {
      now = Math.max(now, until);
    }
  }

  /** How many events have run (a cheap fingerprint of a schedule). */
  public long executed() {
    return executed;
  }
}
