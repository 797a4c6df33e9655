package io.shardeddb.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * The simulator's only source of time, order and chance: a queue of events ordered by simulated
 * time (ties by insertion order) run on the calling thread, and one seeded {@link Random}. Two runs
 * with the same seed and the same code execute the same events in the same order.
 *
 * <p>The operator's passes and calls run on <em>simulated threads</em> ({@link #spawn}), as they
 * run on the operator's own threads in production: a blocking call there ({@link #runUntil(long,
 * BooleanSupplier)} made on a simulated thread) parks that thread and lets the event loop go on, so
 * it never runs nested inside a replica's blocking wait ({@link #waitUntil}, a snapshot chunk
 * arriving), and a replica's wait never runs nested inside it. Exactly one thread runs at a time: a
 * simulated thread runs only when the loop hands it the turn (when it starts, and when what it
 * waits for holds or its bound comes) and hands it back when it blocks again or ends, so the order
 * of everything stays the seed's.
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

  /**
   * The scheduler whose events a thread last ran: once another one runs there, the previous run is
   * over and its simulated threads still blocked are ended ({@link #end}).
   */
  private static final ThreadLocal<Scheduler> RUNNING = new ThreadLocal<>();

  public Scheduler(long seed) {
    this.random = new Random(seed);
  }

  /** Called by each loop run outside simulated threads: ends the run this thread ran before. */
  private void running() {
    Scheduler previous = RUNNING.get();
    if (previous != this) {
      if (previous != null) {
        previous.end();
      }
      RUNNING.set(this);
    }
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

  /**
   * Runs events until none is due before {@code until} or the queue is empty; on a simulated
   * thread, blocks it until then.
   */
  public void runUntil(long until) {
    if (Fiber.current() != null) {
      block(until, () -> false);
      return;
    }
    running();
    while (true) {
      wakeReady();
      if (queue.isEmpty() || queue.peek().at > until) {
        break;
      }
      runNext();
    }
    now = Math.max(now, until);
  }

  /**
   * A blocking call that takes simulated time, made from inside an event (a re-copy reading its
   * snapshot stream chunk by chunk): the rest of the world goes on until {@code at} — also past
   * where the caller's own run was to stop. Simulated threads whose call ends meanwhile run on
   * inside it (they block again, or end, at the same instant). Interrupts an event raises meanwhile
   * (a role change cancelling a task that is running, as {@code FutureTask.cancel(true)} does, on
   * this one thread) are cleared after each event: the cancelled code notices by its own state (a
   * generation), never by the flag, which would otherwise hit whatever blocking call runs next on
   * this thread.
   */
  void waitUntil(long at) {
    try {
      while (true) {
        wakeReady();
        if (queue.isEmpty() || queue.peek().at > at) {
          break;
        }
        runNext();
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
   * goes on. Made on a simulated thread ({@link #spawn}, the operator's passes and calls), it parks
   * that thread until then and the loop that runs the events goes on; made elsewhere (a test's own
   * wait), it runs the events itself.
   */
  public void runUntil(long until, BooleanSupplier done) {
    if (Fiber.current() != null) {
      block(until, done);
      return;
    }
    running();
    while (!done.getAsBoolean()) {
      wakeReady();
      if (done.getAsBoolean() || queue.isEmpty() || queue.peek().at > until) {
        break;
      }
      runNext();
    }
    if (!done.getAsBoolean()) {
      now = Math.max(now, until);
    }
  }

  /** How many events have run (a cheap fingerprint of a schedule). */
  public long executed() {
    return executed;
  }

  private void runNext() {
    Event e = queue.poll();
    now = e.at;
    executed++;
    e.action.run();
  }

  // --- simulated threads ---------------------------------------------------------------------

  /**
   * Runs {@code body} {@code delayMillis} from now on a simulated thread of its own (the operator's
   * reconciler and call threads): its blocking calls park it, not the event loop. An exception it
   * throws is thrown where the loop handed it the turn.
   */
  public void spawn(long delayMillis, Runnable body) {
    after(delayMillis, () -> resume(new Fiber(this, body)));
  }

  /** Simulated threads blocked in a call, in the order they blocked. */
  private final List<Fiber> blocked = new ArrayList<>();

  /** Set once the run is over: simulated threads still blocked unwind ({@link Ended}). */
  private boolean ended;

  /** Thrown in a simulated thread of a run that is over, so that it unwinds and ends. */
  static final class Ended extends Error {
    Ended() {
      super("the simulation run ended", null, false, false);
    }
  }

  /**
   * Ends the run: every simulated thread still blocked in a call unwinds ({@link Ended}). Called
   * when another scheduler's events start to run on the thread that ran this one's.
   */
  void end() {
    ended = true;
    while (!blocked.isEmpty()) {
      wake(blocked.get(0));
    }
  }

  private void block(long until, BooleanSupplier done) {
    Fiber f = Fiber.current();
    if (ended) {
      throw new Ended();
    }
    if (done.getAsBoolean()) {
      return;
    }
    if (until <= now) {
      return;
    }
    long id = ++f.blocks;
    f.done = done;
    blocked.add(f);
    after(
        until - now,
        () -> {
          if (f.blocks == id && blocked.contains(f)) {
            wake(f);
          }
        });
    f.yieldTurn();
    if (ended) {
      throw new Ended();
    }
  }

  /** Hands the turn to every blocked simulated thread whose call is answered, until none is. */
  private void wakeReady() {
    boolean woke = true;
    while (woke && !blocked.isEmpty()) {
      woke = false;
      for (Fiber f : List.copyOf(blocked)) {
        if (blocked.contains(f) && f.done.getAsBoolean()) {
          wake(f);
          woke = true;
        }
      }
    }
  }

  private void wake(Fiber f) {
    blocked.remove(f);
    resume(f);
  }

  /** Runs {@code f} until it blocks again or ends (this thread waits meanwhile). */
  private static void resume(Fiber f) {
    Semaphore mine = Fiber.myTurn();
    f.resumer = mine;
    f.go.release();
    mine.acquireUninterruptibly();
    Throwable failed = f.failed;
    if (failed != null) {
      f.failed = null;
      if (failed instanceof RuntimeException r) {
        throw r;
      }
      if (failed instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(failed);
    }
  }

  /**
   * A simulated thread: a JVM thread that runs only while it holds the turn ({@link #go}), handed
   * to it by whoever resumed it and handed back ({@link #resumer}) when it blocks or ends.
   */
  private static final class Fiber {
    private static final ThreadLocal<Fiber> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Semaphore> TURN =
        ThreadLocal.withInitial(() -> new Semaphore(0));

    final Semaphore go = new Semaphore(0);
    Semaphore resumer;
    BooleanSupplier done;
    long blocks;
    Throwable failed;

    Fiber(Scheduler scheduler, Runnable body) {
      Thread t =
          new Thread(
              () -> {
                go.acquireUninterruptibly();
                CURRENT.set(this);
                TURN.set(go);
                try {
                  body.run();
                } catch (Ended ended) {
                  // the run is over: nothing of this thread matters any more
                } catch (Throwable e) {
                  failed = e;
                } finally {
                  resumer.release();
                }
              },
              "sim-thread");
      t.setDaemon(true);
      t.start();
    }

    static Fiber current() {
      return CURRENT.get();
    }

    /** The semaphore the calling thread waits on for its turn. */
    static Semaphore myTurn() {
      return TURN.get();
    }

    /** Hands the turn back to whoever resumed this thread and waits to be resumed. */
    void yieldTurn() {
      Semaphore back = resumer;
      back.release();
      go.acquireUninterruptibly();
      Thread.interrupted();
    }
  }
}
