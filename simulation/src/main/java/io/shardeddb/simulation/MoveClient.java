package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client behind a router of {@link MoveSimulation}: it routes each change by the layout its
 * router last read (refreshed every {@code refreshMillis}) to the primary of the owning shard, with
 * the ranges that layout gives that shard ({@code X-Shard-Owned}). A 421 makes the router re-read
 * the layout and send the same request again (same request id), as the router's re-route does; no
 * answer within the deadline, 409 (not primary) or 503 is retried with the same id (for up to
 * {@link #GIVE_UP} ms, then its outcome stays unknown); 404 is a definite refusal. One change at a
 * time: an insert of a new key of its own, or an update of a key whose insert was acknowledged.
 */
final class MoveClient {
  static final long GIVE_UP = 8_000;
  private static final long DEADLINE = 1_000;

  enum Outcome {
    PENDING,
    OK,
    REFUSED,
    UNKNOWN
  }

  /** One change of one key: its request id, the value it writes and how it ended. */
  static final class Change {
    final String rid;
    final long key;
    final long value;
    final boolean insert;
    final long sentAt;
    Outcome outcome = Outcome.PENDING;
    long giveUp = GIVE_UP;
    long answeredAt = -1;
    String answeredBy;

    Change(String rid, long key, long value, boolean insert, long sentAt) {
      this.rid = rid;
      this.key = key;
      this.value = value;
      this.insert = insert;
      this.sentAt = sentAt;
    }

    @Override
    public String toString() {
      return rid
          + (insert ? " insert " : " update ")
          + key
          + "="
          + value
          + " "
          + outcome
          + (answeredBy == null ? "" : " by " + answeredBy + " at t=" + answeredAt);
    }
  }

  private final String name;
  private final int index;
  private final int clients;
  private final Scheduler scheduler;
  private final Network network;
  private final Supplier<Map<String, PointRange>> published;
  private final Function<String, String> primaryOf;
  private final long refreshMillis;
  private final Sharding sharding;
  private final Map<Long, List<Change>> history;
  private Map<String, PointRange> layout;
  private long layoutReadAt;
  private final List<Long> acked = new ArrayList<>();
  private final Map<Long, Integer> updates = new HashMap<>();
  private int inserted;
  private Change inFlight;
  private long attempt;
  private boolean writing;
  private boolean held;
  private long sends;

  MoveClient(
      String name,
      int index,
      int clients,
      Scheduler scheduler,
      Network network,
      Supplier<Map<String, PointRange>> published,
      Function<String, String> primaryOf,
      long refreshMillis,
      Map<Long, List<Change>> history,
      Sharding sharding) {
    this.name = name;
    this.index = index;
    this.clients = clients;
    this.scheduler = scheduler;
    this.network = network;
    this.published = published;
    this.primaryOf = primaryOf;
    this.refreshMillis = refreshMillis;
    this.history = history;
    this.sharding = sharding;
  }

  String name() {
    return name;
  }

  void start() {
    writing = true;
    readLayout();
    scheduler.after(1 + scheduler.random().nextInt(20), this::next);
  }

  void stopWriting() {
    writing = false;
  }

  boolean idle() {
    return inFlight == null;
  }

  private void readLayout() {
    layout = Map.copyOf(published.get());
    layoutReadAt = scheduler.now();
  }

  /** Starts the next change (when none is in flight). */
  private void next() {
    if (!writing || inFlight != null) {
      return;
    }
    Random r = scheduler.random();
    long key;
    long value;
    boolean insert;
    if (acked.isEmpty() || (r.nextInt(10) < 7 && inserted < MoveSimulation.KEYS / clients)) {
      key = (long) inserted * clients + index;
      inserted++;
      value = SimStorage.insertValue(key);
      insert = true;
    } else {
      key = acked.get(r.nextInt(acked.size()));
      int n = updates.merge(key, 1, Integer::sum);
      if (n >= SimStorage.UPDATES_PER_KEY) {
        return;
      }
      value = SimStorage.updateValue(key, n);
      insert = false;
    }
    Change c = new Change(name + "-" + key + "-" + value, key, value, insert, scheduler.now());
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    inFlight = c;
    send(c);
  }

  /**
   * A scripted insert of {@code key} (outside the keys {@link #next} picks), retried like any other
   * change; this client then sends nothing more.
   */
  Change insertOnce(long key) {
    writing = false;
    if (layout == null) {
      readLayout();
    }
    Change c =
        new Change(
            name + "-" + key + "-" + SimStorage.insertValue(key),
            key,
            SimStorage.insertValue(key),
            true,
            scheduler.now());
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    inFlight = c;
    send(c);
    return c;
  }

  /**
   * A scripted update of {@code key} to {@code value} (any client's key), retried like any other
   * change but never given up; this client then sends nothing more.
   */
  Change updateOnce(long key, long value) {
    writing = false;
    if (layout == null) {
      readLayout();
    }
    Change c = new Change(name + "-" + key + "-" + value, key, value, false, scheduler.now());
    c.giveUp = Long.MAX_VALUE;
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    inFlight = c;
    send(c);
    return c;
  }

  /**
   * Holds this client as a frozen process would be (a long GC pause after sending): it reads no
   * answer and sends no retry until {@link #release}, which retries at once on a fresh layout.
   */
  void hold() {
    held = true;
  }

  void release() {
    held = false;
    Change c = inFlight;
    if (c != null) {
      long a = ++attempt;
      retry(c, a, true);
    }
  }

  private void send(Change c) {
    if (c != inFlight || held) {
      return;
    }
    if (scheduler.now() - c.sentAt > c.giveUp) {
      c.outcome = Outcome.UNKNOWN;
      finish();
      return;
    }
    if (scheduler.now() - layoutReadAt >= refreshMillis) {
      readLayout();
    }
    String shard = ownerOf(layout, sharding.point(c.key));
    String primary = shard == null ? null : primaryOf.apply(shard);
    long a = ++attempt;
    if (primary == null) {
      scheduler.after(50, () -> retry(c, a, true));
      return;
    }
    sends++;
    network.send(
        name,
        primary,
        new Messages.OwnedChange(
            c.rid, c.key, c.insert ? null : c.value, List.of(layout.get(shard))));
    scheduler.after(DEADLINE, () -> retry(c, a, false));
  }

  private void retry(MoveClient.Change c, long a, boolean refresh) {
    if (c != inFlight || a != attempt) {
      return;
    }
    if (refresh) {
      readLayout();
    }
    send(c);
  }

  void receive(String from, Object m) {
    if (!(m instanceof Messages.WriteReply reply) || held) {
      return;
    }
    Change c = inFlight;
    if (c == null || !c.rid.equals(reply.rid())) {
      return;
    }
    long a = ++attempt;
    switch (reply.status()) {
      case 200 -> {
        c.outcome = Outcome.OK;
        c.answeredAt = scheduler.now();
        c.answeredBy = from;
        if (c.insert) {
          acked.add(c.key);
        }
        finish();
      }
      case 404 -> {
        c.outcome = Outcome.REFUSED;
        c.answeredAt = scheduler.now();
        c.answeredBy = from;
        finish();
      }
      case ShardEndpoints.NOT_OWNED -> scheduler.after(20, () -> retry(c, a, true));
      default -> {
        // 409: an insert of a key that exists means the first attempt was applied and its id was
        // not recognised on retry; neither proves nor refutes it: keep retrying until given up.
        scheduler.after(100, () -> retry(c, a, true));
      }
    }
  }

  private void finish() {
    inFlight = null;
    scheduler.after(5 + scheduler.random().nextInt(40), this::next);
  }

  long sends() {
    return sends;
  }

  /** The shard whose range in {@code layout} holds {@code point}. */
  static String ownerOf(Map<String, PointRange> layout, long point) {
    for (Map.Entry<String, PointRange> e : layout.entrySet()) {
      if (e.getValue().contains(point)) {
        return e.getKey();
      }
    }
    return null;
  }
}
