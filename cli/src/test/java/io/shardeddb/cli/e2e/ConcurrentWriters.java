package io.shardeddb.cli.e2e;

import io.shardeddb.protocol.client.RouterClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writers running concurrently through several routers, each writing its own unique keys once
 * (never retried, so a key is in the table at most once unless a write is applied twice), bounded
 * in count and time. Records which keys were acknowledged and when.
 */
final class ConcurrentWriters {
  private final List<RouterClient> routers;
  private final int writers;
  private final long firstKey;
  private final int perWriter;
  private final Instant deadline;
  private Duration pace = Duration.ZERO;
  private final AtomicInteger finished = new AtomicInteger();
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();

  /** Each key's write: when it was sent and, if acknowledged, when the answer came (nanoTime). */
  private final Map<Long, long[]> sentAndAcked = new ConcurrentHashMap<>();

  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /** Writer {@code w} writes keys {@code firstKey + w + writers * i}, through router w mod n. */
  ConcurrentWriters(
      List<RouterClient> routers, int writers, long firstKey, int perWriter, Duration maxTime) {
    this.routers = routers;
    this.writers = writers;
    this.firstKey = firstKey;
    this.perWriter = perWriter;
    this.deadline = Instant.now().plus(maxTime);
  }

  /** A pause after each write, so that a bounded key range lasts through a slow scenario. */
  ConcurrentWriters paced(Duration pause) {
    this.pace = pause;
    return this;
  }

  /** Whether some writer still has keys left to write (false once all ran out or stopped). */
  boolean writing() {
    return !stop.get() && finished.get() < writers;
  }

  void start() {
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t = new Thread(() -> run(writer), "e2e-writer-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(int writer) {
    RouterClient router = routers.get(writer % routers.size());
    for (int i = 0; i < perWriter && !stop.get() && Instant.now().isBefore(deadline); i++) {
      long key = firstKey + writer + (long) writers * i;
      attempts.incrementAndGet();
      long[] times = {System.nanoTime(), 0};
      sentAndAcked.put(key, times);
      try {
        router.write(List.of(row(key)));
        times[1] = System.nanoTime();
        acked.add(key);
        ackNanos.add(times[1]);
      } catch (RuntimeException e) {
        // not acknowledged: it may or may not have been applied; never retried
      }
      if (!pace.isZero()) {
        try {
          Thread.sleep(pace.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    finished.incrementAndGet();
  }

  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(Duration.ofMinutes(1).toMillis());
    }
  }

  Set<Long> acked() {
    return Set.copyOf(acked);
  }

  int ackCount() {
    return acked.size();
  }

  int attempts() {
    return attempts.get();
  }

  long lastKey() {
    return firstKey + (long) writers * perWriter;
  }

  /**
   * The longest time without any acknowledged write between {@code fromNanos} and the last ack (a
   * gap starting at {@code fromNanos} counts: the fault's moment is the outage's start).
   */
  Duration longestOutageSince(long fromNanos) {
    List<Long> times =
        new ArrayList<>(ackNanos.stream().filter(t -> t >= fromNanos).sorted().toList());
    long longest = 0;
    long previous = fromNanos;
    for (long t : times) {
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Duration.ofNanos(longest);
  }

  /** The keys whose write was acknowledged before {@code nanos} (System.nanoTime). */
  Set<Long> ackedBefore(long nanos) {
    return acked.stream()
        .filter(k -> sentAndAcked.get(k)[1] < nanos)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The keys whose write was sent after {@code nanos}, acknowledged or not. */
  Set<Long> sentAfter(long nanos) {
    return sentAndAcked.entrySet().stream()
        .filter(e -> e.getValue()[0] > nanos)
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Acknowledgements after {@code nanos}. */
  long acksSince(long nanos) {
    return ackNanos.stream().filter(t -> t >= nanos).count();
  }

  static Map<String, Object> row(long key) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("Stud_id", key);
    r.put("Stud_name", "s" + key);
    r.put("Stud_marks", key % 100);
    return r;
  }
}
