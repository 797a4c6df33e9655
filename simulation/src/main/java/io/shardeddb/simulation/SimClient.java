package io.shardeddb.simulation;

import io.shardeddb.simulation.Messages.Read;
import io.shardeddb.simulation.Messages.ReadReply;
import io.shardeddb.simulation.Messages.Write;
import io.shardeddb.simulation.Messages.WriteReply;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A client behind one router: writes new keys one at a time to the primary as its router last saw
 * it (each router refreshes its view of the status on its own period, so two routers can disagree),
 * retries a write that got no definite answer with the same request id, and now and then reads at
 * {@code primary} consistency.
 */
final class SimClient {
  private final String name;
  private final Scheduler scheduler;
  private final Network network;
  private final Supplier<String> recordedPrimary;
  private final long viewRefresh;
  private final History history;
  private final long firstKey;
  private final Map<Long, Long> readsInvokedAt = new HashMap<>();
  private String primaryView;
  private long viewAt = -1_000_000;
  private long nextKey;
  private History.Write current;
  private long attemptAt;
  private long readId;
  private boolean writing = true;

  SimClient(
      String name,
      Scheduler scheduler,
      Network network,
      Supplier<String> recordedPrimary,
      long viewRefresh,
      History history,
      long firstKey) {
    this.name = name;
    this.scheduler = scheduler;
    this.network = network;
    this.recordedPrimary = recordedPrimary;
    this.viewRefresh = viewRefresh;
    this.history = history;
    this.firstKey = firstKey;
    this.nextKey = firstKey;
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

  boolean idle() {
    return current == null;
  }

  private String primary() {
    long now = scheduler.now();
    if (now - viewAt >= viewRefresh) {
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
          if (current == null && writing) {
            long key = nextKey++;
            current = history.invoke(key, name + "-" + (key - firstKey), now);
            send();
          } else if (current != null && now - attemptAt > 1_000) {
            if (now - current.invokedAtForClient() > 8_000) {
              history.unknown(current, now);
              current = null;
            } else {
              send();
            }
          }
          if (writing && scheduler.random().nextInt(10) == 0 && primary() != null) {
            long id = readId++;
            readsInvokedAt.put(id, now);
            network.send(name, primary(), new Read(id));
          }
          loop();
        });
  }

  private void send() {
    attemptAt = scheduler.now();
    String p = primary();
    if (p != null) {
      network.send(name, p, new Write(current.requestId(), current.key()));
    }
  }

  private void receive(String from, Object m) {
    long now = scheduler.now();
    switch (m) {
      case WriteReply r -> {
        History.Write w = history.byRequest(r.rid());
        if (r.ok()) {
          history.ok(w, from, r.epoch(), now);
          if (w == current) {
            current = null;
          }
        } else if (w == current) {
          // Not primary (any more): look again soon and retry with the same request id.
          viewAt = -1_000_000;
          attemptAt = now - 900;
        }
      }
      case ReadReply r -> {
        Long invoked = readsInvokedAt.remove(r.id());
        if (r.ok() && invoked != null) {
          history.read(new History.Read(invoked, now, from, r.epoch(), r.keys()));
        }
      }
      default -> {}
    }
  }
}
