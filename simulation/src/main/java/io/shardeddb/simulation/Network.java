package io.shardeddb.simulation;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A simulated network between named nodes: every message takes a random delay (so messages
 * reorder), and with the configured chances is lost or delivered twice. A partition drops
 * everything between two nodes, both ways. A message to a node that is down when it arrives is
 * lost; one to a paused node waits until the node resumes (as TCP buffers would).
 */
public final class Network {
  /** Fault rates for one run. */
  public record Faults(double loss, double duplicate, long minDelay, long maxDelay) {
    public static Faults none() {
      return new Faults(0, 0, 1, 1);
    }
  }

  /** Whether a node receives messages now. */
  public enum Liveness {
    UP,
    PAUSED,
    DOWN
  }

  private final Scheduler scheduler;
  private final Map<String, BiConsumer<String, Object>> inboxes = new HashMap<>();
  private final Map<String, Liveness> liveness = new HashMap<>();
  private final Map<String, Long> resumeAt = new HashMap<>();
  private final Set<String> cut = new HashSet<>();
  private final Map<String, Long> slowed = new HashMap<>();
  private final Map<String, Integer> unanswered = new HashMap<>();
  private Faults faults = Faults.none();
  private SnapshotCuts snapshotCuts = SnapshotCuts.none();
  private long snapshotChunkMillis = SimTransport.CHUNK_MILLIS;
  private long sent;
  private long delivered;

  public Network(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Registers {@code node}: its messages are handed to {@code inbox(from, message)}. */
  public void attach(String node, BiConsumer<String, Object> inbox) {
    inboxes.put(node, inbox);
    liveness.put(node, Liveness.UP);
  }

  public void faults(Faults faults) {
    this.faults = faults;
  }

  /** Which snapshot streams break mid-way (none unless a world turns them on). */
  SnapshotCuts snapshotCuts() {
    return snapshotCuts;
  }

  void snapshotCuts(SnapshotCuts cuts) {
    this.snapshotCuts = cuts;
  }

  /**
   * Simulated time one chunk of a re-copy's snapshot stream takes to arrive ({@link
   * SimTransport#CHUNK_ITEMS} rows or request outcomes); 0: the whole snapshot at once, as before
   * 2026-11-25.
   */
  /** Fences that reached a replica while its re-copy was reading its snapshot stream. */
  private long fencesMidCopy;

  /** Chunks of re-copy snapshot streams that took simulated time to arrive. */
  long copyChunks;

  void fenceMidCopy() {
    fencesMidCopy++;
  }

  long fencesMidCopy() {
    return fencesMidCopy;
  }

  long snapshotChunkMillis() {
    return snapshotChunkMillis;
  }

  void snapshotChunkMillis(long millis) {
    this.snapshotChunkMillis = millis;
  }

  public Liveness liveness(String node) {
    return liveness.getOrDefault(node, Liveness.DOWN);
  }

  public void liveness(String node, Liveness state) {
    liveness.put(node, state);
  }

  /** Drops every message between {@code a} and {@code b} until healed. */
  public void partition(String a, String b) {
    cut.add(key(a, b));
  }

  public void heal(String a, String b) {
    cut.remove(key(a, b));
  }

  public void healAll() {
    cut.clear();
  }

  public boolean partitioned(String a, String b) {
    return cut.contains(key(a, b));
  }

  /**
   * Counts a call from {@code from} that {@code to} did not answer: on a real network each costs
   * the caller its deadline (a request timeout of seconds), which the simulation does not charge,
   * so scripted runs count them instead.
   */
  public void unanswered(String from, String to) {
    unanswered.merge(from + "->" + to, 1, Integer::sum);
  }

  /** How many calls from {@code from} to {@code to} went unanswered so far. */
  public int unansweredCalls(String from, String to) {
    return unanswered.getOrDefault(from + "->" + to, 0);
  }

  /**
   * Whether a call from {@code from} to {@code to} answered at once gets through now: {@code to} up
   * and not cut off from {@code from}, and the exchange not lost (one draw of the loss rate). A
   * paused receiver does not answer in time.
   */
  public boolean reaches(String from, String to) {
    if (partitioned(from, to) || liveness(to) != Liveness.UP) {
      return false;
    }
    return scheduler.random().nextDouble() >= faults.loss();
  }

  /**
   * Every message to or from {@code node} takes {@code extraMillis} more than the drawn delay (a
   * slow link or a slow machine: its answers' round trips grow by twice that); 0 undoes it. Draws
   * no randomness, so the rest of a seed's schedule stays as it was.
   */
  public void slow(String node, long extraMillis) {
    if (extraMillis <= 0) {
      slowed.remove(node);
    } else {
      slowed.put(node, extraMillis);
    }
  }

  /** Sends {@code message} from {@code from} to {@code to}; it may arrive late, twice or never. */
  public void send(String from, String to, Object message) {
    sent++;
    Random r = scheduler.random();
    if (partitioned(from, to) || r.nextDouble() < faults.loss()) {
      return;
    }
    int copies = r.nextDouble() < faults.duplicate() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long span = Math.max(0, faults.maxDelay() - faults.minDelay());
      long delay =
          faults.minDelay()
              + (span == 0 ? 0 : (long) (r.nextDouble() * (span + 1)))
              + slowed.getOrDefault(from, 0L)
              + slowed.getOrDefault(to, 0L);
      scheduler.after(delay, () -> deliver(from, to, message));
    }
  }

  private void deliver(String from, String to, Object message) {
    // A partition that started while the message was in flight drops it too.
    if (partitioned(from, to)) {
      return;
    }
    switch (liveness(to)) {
      case DOWN -> {}
      case PAUSED -> scheduler.after(10, () -> deliver(from, to, message));
      case UP -> {
        BiConsumer<String, Object> inbox = inboxes.get(to);
        if (inbox != null) {
          delivered++;
          inbox.accept(from, message);
        }
      }
    }
  }

  public long sent() {
    return sent;
  }

  public long delivered() {
    return delivered;
  }

  private static String key(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }
}
