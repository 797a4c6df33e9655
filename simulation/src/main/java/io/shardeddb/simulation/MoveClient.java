package io.shardeddb.simulation;

import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.WritePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import reactor.core.publisher.Mono;

/**
 * A client of {@link MoveSimulation} behind a router process ({@link SimRouter}: the production
 * {@code WritePath}, {@code FailoverRetry} and write coalescing), which routes each change by the
 * layout it last read, retries it with the same request id while the shard fails over, and routes
 * it again after a 421. The client records how each change ended: the router's 200 (acknowledged),
 * a 4xx (refused: a definite no, so the change must not be found applied), or any other answer (its
 * retries ran out: unknown, the change may land late). One request at a time: an insert of a new
 * key of its own, an update (one time in ten the delete) of a key whose insert was acknowledged, or
 * (one time in five) a read through the production read path at one of the three levels: {@code
 * primary}, {@code session} (of its own key, with the token of every write this client had
 * acknowledged, merged as a client keeps it) or {@code any} (from a replica the router's health
 * polling picks); half the {@code primary} and {@code any} reads are of a key one of the latest
 * acknowledged changes of any client changed.
 */
final class MoveClient {
  enum Outcome {
    PENDING,
    OK,
    REFUSED,
    UNKNOWN
  }

  /**
   * One change of one key: the request id its first call carried, the value it writes and how it
   * ended.
   */
  static final class Change {
    String rid;
    final long key;
    final long value;
    final boolean insert;
    final boolean delete;
    final long sentAt;
    Outcome outcome = Outcome.PENDING;
    long answeredAt = -1;
    String answeredBy;
    String failure;

    Change(long key, long value, boolean insert, long sentAt) {
      this(key, value, insert, false, sentAt);
    }

    private Change(long key, long value, boolean insert, boolean delete, long sentAt) {
      this.key = key;
      this.value = value;
      this.insert = insert;
      this.delete = delete;
      this.sentAt = sentAt;
    }

    /** A delete of {@code key}. */
    static Change deleteOf(long key, long sentAt) {
      return new Change(key, -1, false, true, sentAt);
    }

    @Override
    public String toString() {
      return rid
          + (insert ? " insert " : delete ? " delete " : " update ")
          + key
          + (delete ? "" : "=" + value)
          + " "
          + outcome
          + (answeredBy == null ? "" : " by " + answeredBy + " at t=" + answeredAt)
          + (failure == null ? "" : " (" + failure + ")");
    }
  }

  /**
   * A read of one of this client's keys at {@code level} through the router's production read path
   * (the assignment's one-key range read): when it was sent and answered, and the value it saw
   * (null: absent), or why it failed.
   */
  static final class Read {
    final long key;
    final ReadConsistency level;
    final long start;
    long end = -1;
    boolean ok;
    Long value;
    String failure;

    /** The replica that answered, and whether it was not the primary the router's layout names. */
    String servedBy;

    boolean fromSecondary;

    Read(long key, ReadConsistency level, long start) {
      this.key = key;
      this.level = level;
      this.start = start;
    }

    @Override
    public String toString() {
      return level.name().toLowerCase(java.util.Locale.ROOT)
          + " read of "
          + key
          + " sent at t="
          + start
          + (ok
              ? " saw " + value + " at t=" + end + " from " + servedBy
              : " failed (" + failure + ")");
    }
  }

  private final String name;
  private final int index;
  private final int clients;
  private final Scheduler scheduler;
  private final Map<Long, List<Change>> history;
  private final List<Read> reads;
  private final List<Long> recentlyChanged;

  /**
   * How many of the latest acknowledged changes (of every client) a read of others' keys picks
   * from.
   */
  private static final int RECENT = 8;

  private SimRouter router;

  /** A second router this client reads every other session read through (null: none). */
  private SimRouter sessionsAlso;

  private long sessionReads;
  private final List<Long> acked = new ArrayList<>();
  private final Map<Long, Integer> updates = new HashMap<>();
  private int inserted;
  private Change inFlight;
  private Read reading;
  private boolean writing;
  private SessionToken session = SessionToken.empty();

  MoveClient(
      String name,
      int index,
      int clients,
      Scheduler scheduler,
      SimRouter router,
      Map<Long, List<Change>> history,
      List<Read> reads,
      List<Long> recentlyChanged) {
    this.name = name;
    this.index = index;
    this.clients = clients;
    this.scheduler = scheduler;
    this.router = router;
    this.history = history;
    this.reads = reads;
    this.recentlyChanged = recentlyChanged;
  }

  String name() {
    return name;
  }

  SimRouter router() {
    return router;
  }

  /** Reads every other session read through {@code other} too (null: only its own router). */
  void readSessionsAlsoThrough(SimRouter other) {
    this.sessionsAlso = other;
  }

  /** Puts this client behind {@code router} (before it starts). */
  void useRouter(SimRouter router) {
    this.router = router;
  }

  void start() {
    writing = true;
    router.start();
    if (sessionsAlso != null) {
      sessionsAlso.start();
    }
    scheduler.after(1 + scheduler.random().nextInt(20), this::next);
  }

  void stopWriting() {
    writing = false;
  }

  boolean idle() {
    return inFlight == null && reading == null;
  }

  /** Starts the next change (when none is in flight). */
  private void next() {
    if (!writing || !idle()) {
      return;
    }
    Random r = scheduler.random();
    if (!acked.isEmpty() && r.nextInt(5) == 0) {
      ReadConsistency level = ReadConsistency.values()[r.nextInt(3)];
      // Half the primary and any reads are of a key some client changed lately: a primary read
      // promises every change acknowledged before it began, whoever made it (a session only the
      // reader's own), which a deposed primary a router still routes to would miss.
      boolean others = level != ReadConsistency.SESSION && r.nextBoolean();
      int recent = Math.min(RECENT, recentlyChanged.size());
      read(
          others
              ? recentlyChanged.get(recentlyChanged.size() - 1 - r.nextInt(recent))
              : acked.get(r.nextInt(acked.size())),
          level);
      return;
    }
    long key;
    long value;
    boolean insert;
    if (acked.isEmpty() || (r.nextInt(10) < 7 && inserted < MoveSimulation.KEYS / clients)) {
      key = (long) inserted * clients + index;
      inserted++;
      value = SimStorage.insertValue(key);
      insert = true;
    } else if (r.nextInt(10) == 0) {
      // A delete of an acknowledged key, which this client then leaves alone.
      key = acked.remove(r.nextInt(acked.size()));
      send(Change.deleteOf(key, scheduler.now()));
      return;
    } else {
      key = acked.get(r.nextInt(acked.size()));
      int n = updates.merge(key, 1, Integer::sum);
      if (n >= SimStorage.UPDATES_PER_KEY) {
        return;
      }
      value = SimStorage.updateValue(key, n);
      insert = false;
    }
    send(new Change(key, value, insert, scheduler.now()));
  }

  /**
   * A scripted insert of {@code key} (outside the keys {@link #next} picks); this client then sends
   * nothing more of its own.
   */
  Change insertOnce(long key) {
    writing = false;
    router.start();
    return send(new Change(key, SimStorage.insertValue(key), true, scheduler.now()));
  }

  /** A scripted update of {@code key} (any client's) to {@code value}; nothing more of its own. */
  Change updateOnce(long key, long value) {
    writing = false;
    router.start();
    return send(new Change(key, value, false, scheduler.now()));
  }

  /** Sends {@code c} through the router; its first call's request id is known on return. */
  private Change send(Change c) {
    history.computeIfAbsent(c.key, k -> new ArrayList<>()).add(c);
    inFlight = c;
    WritePath writes = router.writes();
    Mono<WritePath.Written> call =
        c.insert
            ? writes.writeAcked(router.table(), List.of(SimStorage.row(c.key, c.value)))
            : c.delete
                ? writes.deleteAcked(router.table(), c.key)
                : writes.updateAcked(router.table(), c.key, Map.of(SimStorage.VALUE, c.value));
    // The request id the write path gave it as it assembled the call (an insert's part to shard s
    // carries it + "/s").
    c.rid = router.lastIssued();
    call.subscribe(
        w -> {
          c.outcome = Outcome.OK;
          c.answeredBy = w.shards().isEmpty() ? null : w.shards().get(0).primary();
          if (w.response().session() != null) {
            session = session.merge(SessionToken.parse(w.response().session()));
          }
          if (c.insert) {
            acked.add(c.key);
          }
          recentlyChanged.add(c.key);
          finish(c);
        },
        e -> {
          // A 4xx is the router's definite no (404: the row to update is not there; 409: the key
          // exists): nothing of the request was applied. Anything else (503 once the retries ran
          // out) leaves the change unknown: it may still land.
          c.outcome =
              e instanceof ApiException a && a.status() >= 400 && a.status() < 500
                  ? Outcome.REFUSED
                  : Outcome.UNKNOWN;
          c.failure = e.getMessage();
          finish(c);
        });
    return c;
  }

  /**
   * A scripted read of {@code key} at {@code level} (with this client's session); this client then
   * sends nothing more of its own.
   */
  Read readOnce(long key, ReadConsistency level) {
    writing = false;
    router.start();
    return read(key, level);
  }

  /** A read of {@code key} at {@code level} through the router (with this client's session). */
  private Read read(long key, ReadConsistency level) {
    Read rd = new Read(key, level, scheduler.now());
    reads.add(rd);
    reading = rd;
    SimRouter via =
        level == ReadConsistency.SESSION && sessionsAlso != null && sessionReads++ % 2 == 1
            ? sessionsAlso
            : router;
    via.reads()
        .read(via.table(), new KeyRange(key, key), level, session)
        .flatMap(rr -> rr.pages().collectList().map(pages -> served(via, rd, rr, pages)))
        .subscribe(
            pages -> {
              List<Map<String, Object>> rows = pages.stream().flatMap(List::stream).toList();
              rd.ok = true;
              rd.value = rows.isEmpty() ? null : SimStorage.value(rows.get(0));
              finishRead(rd);
            },
            e -> {
              rd.failure = e.getMessage();
              finishRead(rd);
            });
    return rd;
  }

  /** Notes who answered {@code rd} (one shard: one key). */
  private <T> T served(SimRouter via, Read rd, ReadPath.RangeRead rr, T pages) {
    rr.servedBy().values().stream()
        .flatMap(java.util.Set::stream)
        .findFirst()
        .ifPresent(
            r -> {
              rd.servedBy = r;
              rd.fromSecondary =
                  rr.shardsQueried().stream()
                      .map(id -> via.table().topology().shard(id))
                      .flatMap(java.util.Optional::stream)
                      .noneMatch(t -> r.equals(t.primary()));
            });
    return pages;
  }

  private void finishRead(Read rd) {
    rd.end = scheduler.now();
    reading = null;
    scheduler.after(5 + scheduler.random().nextInt(40), this::next);
  }

  private void finish(Change c) {
    c.answeredAt = scheduler.now();
    inFlight = null;
    scheduler.after(5 + scheduler.random().nextInt(40), this::next);
  }

  long sends() {
    return router.calls();
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
