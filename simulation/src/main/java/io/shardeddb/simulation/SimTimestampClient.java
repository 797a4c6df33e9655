package io.shardeddb.simulation;

import io.shardeddb.protocol.time.GlobalTimestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A router's timestamp calls (DESIGN §11, the router's {@code OracleTimestamps}): one call at a
 * time to the primary its view of the status names, 1-4 slots each, given up after {@code
 * OracleTimestamps.CALL_DEADLINE} (1 s, scaled to the simulator's 400 ms lease as the rest) and
 * asked again, the view refreshed. Every slot range it was granted is recorded with when the call
 * was sent and answered; {@link #violations} checks them all.
 */
final class SimTimestampClient {
  /**
   * A granted range: {@code count} slots from {@code first}, asked at {@code invokedAt} and
   * answered at {@code completedAt} (simulated ms); {@code invoked} and {@code completed} order the
   * two events among every call's ({@link #next}), also within one millisecond.
   */
  record Grant(
      String client,
      long invokedAt,
      long completedAt,
      long first,
      int count,
      String by,
      long invoked,
      long completed) {
    long last() {
      return first + (count - 1) * GlobalTimestamp.SLOT;
    }
  }

  private static final long DEADLINE = 500;

  /** The order of calls' sends and answers, shared by every caller of one schedule. */
  private static final java.util.concurrent.atomic.AtomicLong ORDER =
      new java.util.concurrent.atomic.AtomicLong();

  /** The next position in that order. */
  static long next() {
    return ORDER.incrementAndGet();
  }

  private final String name;
  private final Scheduler scheduler;
  private final Network network;
  private final Supplier<String> recordedPrimary;
  private final long viewRefresh;
  private final Random random;
  private final List<Grant> grants;
  private final Map<Long, long[]> pending = new HashMap<>();
  private String view;
  private long viewAt = -1_000_000;
  private long nextId;
  private long stopAt;

  SimTimestampClient(
      String name,
      Scheduler scheduler,
      Network network,
      Supplier<String> recordedPrimary,
      long viewRefresh,
      long seed,
      List<Grant> grants) {
    this.name = name;
    this.scheduler = scheduler;
    this.network = network;
    this.recordedPrimary = recordedPrimary;
    this.viewRefresh = viewRefresh;
    this.random = new Random(seed);
    this.grants = grants;
    network.attach(name, this::receive);
  }

  /** Asks until {@code stopAt} (simulated ms). */
  void start(long stopAt) {
    this.stopAt = stopAt;
    tick();
  }

  private void tick() {
    scheduler.after(
        30 + random.nextInt(70),
        () -> {
          long now = scheduler.now();
          pending.values().removeIf(p -> now - p[0] > DEADLINE);
          if (pending.isEmpty() && now < stopAt) {
            String to = primary(now);
            if (to != null) {
              long id = nextId++;
              int count = 1 + random.nextInt(4);
              pending.put(id, new long[] {now, count, next()});
              network.send(name, to, new Messages.TimestampAsk(id, count));
            }
          }
          if (now < stopAt) {
            tick();
          }
        });
  }

  private String primary(long now) {
    if (now - viewAt >= viewRefresh) {
      view = recordedPrimary.get();
      viewAt = now;
    }
    return view;
  }

  private void receive(String from, Object m) {
    if (!(m instanceof Messages.TimestampReply r)) {
      return;
    }
    long[] p = pending.remove(r.id());
    if (p == null) {
      return; // given up already: the router never used it
    }
    if (r.status() == 200) {
      if (r.count() != p[1]) {
        throw new IllegalStateException("asked " + p[1] + " slots, got " + r.count());
      }
      grants.add(new Grant(name, p[0], scheduler.now(), r.first(), r.count(), from, p[2], next()));
    } else {
      viewAt = -1_000_000; // not the oracle (any more): look again
    }
  }

  /**
   * The oracle's promise over every grant: no slot handed out twice, and a call answered before
   * another was sent got only smaller slots (timestamps of calls that follow each other in real
   * time increase, across failovers and switch-overs).
   */
  static List<String> violations(List<Grant> grants) {
    List<String> out = new ArrayList<>();
    List<Grant> byFirst = new ArrayList<>(grants);
    byFirst.sort(java.util.Comparator.comparingLong(Grant::first));
    for (int i = 1; i < byFirst.size() && out.size() < 3; i++) {
      Grant a = byFirst.get(i - 1);
      Grant b = byFirst.get(i);
      if (b.first() <= a.last()) {
        out.add("timestamp handed out twice: " + a + " and " + b);
      }
    }
    List<Grant> byCompleted = new ArrayList<>(grants);
    byCompleted.sort(java.util.Comparator.comparingLong(Grant::completed));
    List<Grant> byInvoked = new ArrayList<>(grants);
    byInvoked.sort(java.util.Comparator.comparingLong(Grant::invoked));
    int j = 0;
    Grant highest = null;
    for (Grant b : byInvoked) {
      while (j < byCompleted.size() && byCompleted.get(j).completed() < b.invoked()) {
        Grant a = byCompleted.get(j++);
        if (highest == null || a.last() > highest.last()) {
          highest = a;
        }
      }
      if (highest != null && b.first() <= highest.last() && out.size() < 6) {
        out.add(
            "timestamp went back: "
                + b
                + " was asked after "
                + highest
                + " was answered, and is not above it");
      }
    }
    return out;
  }
}
