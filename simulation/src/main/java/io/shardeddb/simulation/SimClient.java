package io.shardeddb.simulation;

import io.shardeddb.simulation.Messages.Level;
import io.shardeddb.simulation.Messages.Read;
import io.shardeddb.simulation.Messages.ReadKey;
import io.shardeddb.simulation.Messages.ReadKeyReply;
import io.shardeddb.simulation.Messages.ReadReply;
import io.shardeddb.simulation.Messages.Write;
import io.shardeddb.simulation.Messages.WriteReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A client behind one router. One change at a time, sent to the primary as its router last saw it
 * (each router refreshes its view of the status on its own period, so two routers can disagree): an
 * insert of a new key ({@code /write}), an update of one of its keys whose insert was acknowledged
 * ({@code /update}) or a delete of one ({@code /del}); every change writes a value no other change
 * writes ({@link SimStorage#insertValue}, {@link SimStorage#updateValue}). A change without a
 * definite answer is retried with the same request id; after 8 s its outcome stays unknown. Now and
 * then it reads every key at {@code primary} consistency, and one of its keys at one of the three
 * levels the router offers: {@code primary} (the primary), {@code session} (any replica, with the
 * {@code lsn@epoch} token its last acknowledged change returned; refused there, then the primary,
 * as the router retries) and {@code any} (any replica).
 */
final class SimClient {
  private final String name;
  private final Scheduler scheduler;
  private final Network network;
  private final Supplier<String> recordedPrimary;
  private final long viewRefresh;
  private final History history;
  private final long firstKey;
  private final List<String> replicas;
  private final Map<Long, Long> readsInvokedAt = new HashMap<>();
  private String primaryView;
  private long viewAt = -1_000_000;
  private long nextKey;
  private History.Write current;
  private History.Change change;
  private long attemptAt;
  private long readId;
  private boolean writing = true;

  /**
   * Only inserts and reads of every key, drawing from the seed exactly as the clients before
   * updates, deletes and reads of one key did: a seed then replays its schedule of that time.
   */
  private boolean insertsOnly;

  /**
   * Keys whose insert was acknowledged and that no delete was sent for: updates and deletes go
   * here.
   */
  private final List<Long> live = new ArrayList<>();

  /** Keys this client ever sent an insert of: reads go here. */
  private final List<Long> touched = new ArrayList<>();

  /** Updates sent per key (the next update's value). */
  private final Map<Long, Integer> updatesOf = new HashMap<>();

  /** Each key's last change this client saw acknowledged (the session floor of a read of it). */
  private final Map<Long, String> lastAcked = new HashMap<>();

  /** The session token: the entry of the last acknowledged change (lsn, epoch; epoch 0 unknown). */
  private long tokenLsn = -1;

  private long tokenEpoch;

  private final Map<Long, PendingRead> keyReads = new HashMap<>();

  private record PendingRead(
      long key, Level level, long invokedAt, long minLsn, long minEpoch, String floor) {}

  SimClient(
      String name,
      Scheduler scheduler,
      Network network,
      Supplier<String> recordedPrimary,
      long viewRefresh,
      History history,
      long firstKey,
      List<String> replicas) {
    this.name = name;
    this.scheduler = scheduler;
    this.network = network;
    this.recordedPrimary = recordedPrimary;
    this.viewRefresh = viewRefresh;
    this.history = history;
    this.firstKey = firstKey;
    this.nextKey = firstKey;
    this.replicas = replicas;
  }

  String name() {
    return name;
  }

  void start() {
    network.attach(name, this::receive);
    loop();
  }

  /** No new writes from now on; a write in flight still finishes. */
  void stopWriting() {
    writing = false;
  }

  /**
   * A scripted fault: the change in flight is sent again at the client's next tick, to the primary
   * the status records then, as if its request had timed out now.
   */
  void retryNow() {
    if (change != null) {
      viewAt = -1_000_000;
      attemptAt = scheduler.now() - 1_001;
    }
  }

  void insertsOnly() {
    insertsOnly = true;
  }

  boolean idle() {
    return change == null;
  }

  /** Until when this client's router keeps the status it has ({@link #freezeView}). */
  private long frozenUntil = -1;

  /**
   * This client's router keeps the status it has until {@code until} (simulated ms), as one whose
   * informer lost its watch of the resource.
   */
  void freezeView(long until) {
    frozenUntil = Math.max(frozenUntil, until);
  }

  private String primary() {
    long now = scheduler.now();
    if (now - viewAt >= viewRefresh && now >= frozenUntil) {
      primaryView = recordedPrimary.get();
      viewAt = now;
    }
    return primaryView;
  }

  private void loop() {
    scheduler.after(
        20 + scheduler.random().nextInt(40),
        () -> {
          long now = scheduler.now();
          Random r = scheduler.random();
          if (change == null && writing) {
            begin(r, now);
            send();
          } else if (change != null && now - attemptAt > 1_000) {
            if (now - change.invokedAt() > 8_000) {
              if (current != null) {
                history.unknown(current, now);
              }
              history.unknown(change, now);
              current = null;
              change = null;
            } else {
              send();
            }
          }
          if (writing && r.nextInt(10) == 0 && primary() != null) {
            long id = readId++;
            readsInvokedAt.put(id, now);
            network.send(name, primary(), new Read(id));
          }
          if (!insertsOnly && writing && r.nextInt(4) == 0 && !touched.isEmpty()) {
            readKey(r, now);
          }
          loop();
        });
  }

  /** The next change: an insert of a new key, or an update or delete of a live one. */
  private void begin(Random r, long now) {
    int roll = insertsOnly ? 9 : r.nextInt(10);
    if (!live.isEmpty() && roll < 4) {
      int i = r.nextInt(live.size());
      long key = live.get(i);
      int n = updatesOf.getOrDefault(key, 0) + 1;
      if (roll < 3 && n < SimStorage.UPDATES_PER_KEY) {
        updatesOf.put(key, n);
        change =
            history.change(
                History.Kind.UPDATE, key, SimStorage.updateValue(key, n), requestId(key, n), now);
        return;
      }
      // A delete: nothing is sent for this key afterwards but reads.
      live.remove(i);
      change = history.change(History.Kind.DELETE, key, null, requestId(key, -1), now);
      return;
    }
    long key = nextKey++;
    touched.add(key);
    current = history.invoke(key, name + "-" + (key - firstKey), now);
    change =
        history.change(
            History.Kind.INSERT, key, SimStorage.insertValue(key), current.requestId(), now);
  }

  private String requestId(long key, int n) {
    return name + "-" + (key - firstKey) + (n < 0 ? "-del" : "-u" + n);
  }

  private void send() {
    attemptAt = scheduler.now();
    String p = primary();
    if (p == null) {
      return;
    }
    Object m =
        switch (change.kind()) {
          case INSERT -> new Write(change.requestId(), change.key());
          case UPDATE -> new Messages.Update(change.requestId(), change.key(), change.value());
          case DELETE -> new Messages.Delete(change.requestId(), change.key());
        };
    network.send(name, p, m);
  }

  private void readKey(Random r, long now) {
    long key = touched.get(r.nextInt(touched.size()));
    Level level = Level.values()[r.nextInt(Level.values().length)];
    boolean withToken = level == Level.SESSION && tokenLsn >= 0;
    String to = level == Level.PRIMARY ? primary() : replicas.get(r.nextInt(replicas.size()));
    if (to == null) {
      return;
    }
    long id = readId++;
    PendingRead p =
        new PendingRead(
            key,
            level,
            now,
            withToken ? tokenLsn : -1,
            withToken ? tokenEpoch : 0,
            withToken ? lastAcked.get(key) : null);
    keyReads.put(id, p);
    network.send(name, to, new ReadKey(id, key, level, p.minLsn(), p.minEpoch()));
  }

  private void receive(String from, Object m) {
    long now = scheduler.now();
    switch (m) {
      case WriteReply r -> onChangeReply(from, r, now);
      case ReadReply r -> {
        Long invoked = readsInvokedAt.remove(r.id());
        if (r.ok() && invoked != null) {
          history.read(new History.Read(invoked, now, from, r.epoch(), r.keys()));
        }
      }
      case ReadKeyReply r -> {
        PendingRead p = keyReads.remove(r.id());
        if (p == null) {
          return;
        }
        if (r.status() == 200) {
          history.keyRead(
              new History.KeyRead(
                  name, p.key(), r.value(), p.invokedAt(), now, p.level(), p.floor(), from));
        } else if (p.level() == Level.SESSION && !from.equals(primary()) && primary() != null) {
          // Refused by the replica (behind, not in sync, another history): the router then asks
          // the primary, with the same session fields.
          long id = readId++;
          keyReads.put(id, p);
          network.send(
              name, primary(), new ReadKey(id, p.key(), p.level(), p.minLsn(), p.minEpoch()));
        }
      }
      default -> {}
    }
  }

  private void onChangeReply(String from, WriteReply r, long now) {
    History.Change c = history.changeByRequest(r.rid());
    if (c == null) {
      return;
    }
    if (r.ok()) {
      if (ShardSimulation.TRACE) {
        System.err.println(
            "t=" + now + " " + name + ": " + r.rid() + " acked by " + from + " at lsn " + r.lsn());
      }
      history.ok(c, r.lsn(), now);
      if (c.kind() == History.Kind.INSERT) {
        history.ok(history.byRequest(r.rid()), from, r.epoch(), now);
      }
      if (c == change) {
        tokenLsn = r.lsn();
        tokenEpoch = r.entryEpoch();
        lastAcked.put(c.key(), c.requestId());
        if (c.kind() == History.Kind.INSERT) {
          live.add(c.key());
        }
        current = null;
        change = null;
      }
    } else if (c == change) {
      if (c.kind() != History.Kind.INSERT && r.status() == 404) {
        // A definite refusal: nothing was written (its key is not there).
        history.refused(c, now);
        live.remove(c.key());
        change = null;
        return;
      }
      // Not primary (any more), no quorum, storage: look again soon and retry with the same id.
      viewAt = -1_000_000;
      attemptAt = now - 900;
    }
  }
}
