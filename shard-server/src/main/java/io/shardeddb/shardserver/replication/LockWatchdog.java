package io.shardeddb.shardserver.replication;

import io.micronaut.context.annotation.Context;
import io.shardeddb.shardserver.config.LivenessSettings;
import io.shardeddb.shardserver.time.TimestampService;
import jakarta.annotation.PreDestroy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes, one after another on a thread of its own, the locks every request of a shard-server goes
 * through — the replica's state ({@link ReplicaContext}), the primary's write quorum ({@link
 * WriteCoordinator#quorumState}, the quorum tracker's) and the timestamp oracle's ({@link
 * TimestampService#oracleEpoch}) — every {@code probe-interval}, and records which one it waits for
 * since when. A lock-order deadlock (2026-11-28: the quorum tracker's lock against the oracle's)
 * leaves every request that needs one of them hanging for good while the process still answers
 * {@code /health}: {@code /health/liveness} ({@code LockLiveness}) now says DOWN once one attempt
 * has waited {@code stuck-after}, and the kubelet restarts the container. Deciding is {@link
 * #stuck}; doing is this thread.
 */
@Context
public class LockWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(LockWatchdog.class);

  /** One lock to take: its name (as liveness reports it) and a call that takes and releases it. */
  public record Probe(String name, Runnable take) {}

  /**
   * A probe waiting too long: which lock, since how long, where the watchdog waits, and the thread
   * holding the lock with its stack when the JVM can name it ({@code "unknown"} otherwise, e.g. a
   * virtual thread: jstack does not list those either).
   */
  public record Stuck(
      String lock,
      long waitedMillis,
      List<StackTraceElement> waitingAt,
      String holder,
      List<StackTraceElement> holderAt) {}

  private final List<Probe> probes;
  private final long intervalMillis;
  private final long stuckAfterNanos;
  private final LongSupplier nanos;
  private final Thread thread;
  private volatile Probe current;
  private volatile long startedNanos;
  private volatile boolean stopped;

  @jakarta.inject.Inject
  public LockWatchdog(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      TimestampService timestamps,
      LivenessSettings settings) {
    this(
        List.of(
            new Probe("replica state", ctx::view),
            new Probe("write quorum", coordinator::quorumState),
            new Probe("timestamp oracle", timestamps::oracleEpoch)),
        settings,
        System::nanoTime);
    thread.start();
  }

  /** A watchdog over {@code probes} on clock {@code nanos}, not started (tests run it by hand). */
  public LockWatchdog(List<Probe> probes, LivenessSettings settings, LongSupplier nanos) {
    this.probes = List.copyOf(probes);
    this.intervalMillis = Math.max(1, settings.probeInterval().toMillis());
    this.stuckAfterNanos = settings.stuckAfter().toNanos();
    this.nanos = nanos;
    this.thread = Thread.ofPlatform().daemon().name("lock-watchdog").unstarted(this::run);
  }

  /** Starts the watchdog's thread (the bean's constructor does). */
  public void start() {
    thread.start();
  }

  private void run() {
    while (!stopped) {
      pass();
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Takes every lock once, in order, recording which one it waits for. */
  public void pass() {
    for (Probe p : probes) {
      startedNanos = nanos.getAsLong();
      current = p;
      try {
        p.take().run();
      } catch (RuntimeException e) {
        // A refusal (not configured, not primary) took and released the lock: it answered.
        LOG.trace("lock probe {}: {}", p.name(), e.toString());
      }
      current = null;
    }
  }

  /** Whether an attempt has waited {@code stuck-after} or longer for its lock, as of now. */
  public Optional<Stuck> stuck() {
    Probe p = current;
    long waited = nanos.getAsLong() - startedNanos;
    if (!stuck(p != null, waited, stuckAfterNanos)) {
      return Optional.empty();
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ThreadInfo mine = threads.getThreadInfo(thread.threadId(), Integer.MAX_VALUE);
    ThreadInfo owner =
        mine == null || mine.getLockOwnerId() < 0
            ? null
            : threads.getThreadInfo(mine.getLockOwnerId(), Integer.MAX_VALUE);
    return Optional.of(
        new Stuck(
            p.name(),
            waited / 1_000_000,
            List.of(thread.getStackTrace()),
            owner == null ? "unknown" : owner.getThreadName(),
            owner == null ? List.of() : List.of(owner.getStackTrace())));
  }

  /** The rule: an attempt still waiting after {@code stuckAfterNanos} means a stuck lock. */
  static boolean stuck(boolean waiting, long waitedNanos, long stuckAfterNanos) {
    return waiting && waitedNanos >= stuckAfterNanos;
  }

  @PreDestroy
  void stop() {
    stopped = true;
    thread.interrupt();
  }
}
