package io.shardeddb.simulation;

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
      Thread.interrupted();
    }
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
