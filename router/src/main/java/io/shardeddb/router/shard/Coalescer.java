package io.shardeddb.router.shard;

import io.micrometer.core.instrument.DistributionSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Sends concurrent calls to one shard-server endpoint, for one {@code (url, owned header)},
 * together by {@link CoalesceQueue}'s rules: a lone call goes out as the plain request, calls that
 * arrive while one is in flight go in one batch request when it returns. Each caller's Mono ends
 * exactly as the plain call would have ({@link BatchReplies}); a whole-request failure fails every
 * item with it. A shard-server without the batch endpoint gets the batch's items one by one and,
 * for a while ({@link BatchSupport}), no batches. The HTTP client's deadlines bound every request,
 * so nothing waits longer than the request ahead of it plus its own.
 */
final class Coalescer<Q, R> {

  /** The I/O: one plain request, and one batch request whose Mono fails only as a whole. */
  interface Transport<Q, R> {
    Mono<R> one(String url, String owned, Q request);

    Mono<List<BatchReplies.Outcome<R>>> batch(String url, String owned, List<Q> requests);
  }

  /** The queue's key: calls that may share a request (the header applies to every item). */
  private record Target(String url, String owned) {}

  /** One caller's call; identity equality, so withdrawing it never takes another's. */
  private static final class Item<Q, R> {
    final Q request;
    final MonoSink<R> sink;
    final Disposable.Swap running = Disposables.swap();
    volatile boolean cancelled;

    Item(Q request, MonoSink<R> sink) {
      this.request = request;
      this.sink = sink;
    }
  }

  private final Transport<Q, R> transport;
  private final int maxBatch;
  private final ToIntFunction<String> maxInFlight;
  private final BatchSupport support;
  private final LongSupplier nanoTime;
  private final DistributionSummary batchItems;
  private final Map<Target, CoalesceQueue<Item<Q, R>>> queues = new HashMap<>();

  Coalescer(
      Transport<Q, R> transport,
      int maxBatch,
      int maxInFlight,
      BatchSupport support,
      LongSupplier nanoTime,
      DistributionSummary batchItems) {
    this(transport, maxBatch, url -> maxInFlight, support, nanoTime, batchItems);
  }

  /**
   * As above, with the requests in flight per shard-server URL asked at every call ({@code
   * maxInFlight}: the router's data stream allows more once its connection to that URL is up).
   */
  Coalescer(
      Transport<Q, R> transport,
      int maxBatch,
      ToIntFunction<String> maxInFlight,
      BatchSupport support,
      LongSupplier nanoTime,
      DistributionSummary batchItems) {
    this.transport = transport;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.support = support;
    this.nanoTime = nanoTime;
    this.batchItems = batchItems;
  }

  /** The call of {@code request} to {@code url}, possibly sent together with others. */
  Mono<R> call(String url, String owned, Q request) {
    if (!support.allowed(url, nanoTime.getAsLong())) {
      return transport.one(url, owned, request);
    }
    Target target = new Target(url, owned);
    return Mono.create(
        sink -> {
          Item<Q, R> item = new Item<>(request, sink);
          sink.onCancel(() -> cancel(target, item));
          List<CoalesceQueue.Send<Item<Q, R>>> sends;
          synchronized (this) {
            int window = maxInFlight.applyAsInt(url);
            CoalesceQueue<Item<Q, R>> queue =
                queues.computeIfAbsent(target, t -> new CoalesceQueue<>(maxBatch, window));
            queue.window(window);
            sends = queue.offer(item);
          }
          start(target, sends);
        });
  }

  /** Items waiting (not yet sent) for {@code url}, summed over owned headers; for tests. */
  synchronized int waiting(String url) {
    int n = 0;
    for (Map.Entry<Target, CoalesceQueue<Item<Q, R>>> e : queues.entrySet()) {
      if (e.getKey().url().equals(url)) {
        n += e.getValue().waiting();
      }
    }
    return n;
  }

  private void cancel(Target target, Item<Q, R> item) {
    item.cancelled = true;
    synchronized (this) {
      CoalesceQueue<Item<Q, R>> queue = queues.get(target);
      if (queue != null && queue.withdraw(item)) {
        if (queue.idle()) {
          queues.remove(target);
        }
        return;
      }
    }
    // Sent alone: abort it, as the plain call would be. Inside a batch: the others still need it;
    // its outcome is dropped (the sink ignores signals after a cancel).
    item.running.dispose();
  }

  private void start(Target target, List<CoalesceQueue.Send<Item<Q, R>>> sends) {
    for (CoalesceQueue.Send<Item<Q, R>> send : sends) {
      start(target, send);
    }
  }

  private void start(Target target, CoalesceQueue.Send<Item<Q, R>> send) {
    List<Item<Q, R>> items = new ArrayList<>(send.items().size());
    for (Item<Q, R> item : send.items()) {
      if (!item.cancelled) {
        items.add(item);
      }
    }
    if (items.isEmpty()) {
      finished(target);
      return;
    }
    if (items.size() == 1) {
      batchItems.record(1);
      Item<Q, R> item = items.get(0);
      item.running.update(
          tracked(
                  target,
                  Mono.defer(() -> transport.one(target.url(), target.owned(), item.request)))
              .subscribe(item.sink::success, item.sink::error));
      return;
    }
    if (!support.allowed(target.url(), nanoTime.getAsLong())) {
      finished(target);
      oneByOne(target, items);
      return;
    }
    batchItems.record(items.size());
    List<Q> requests = new ArrayList<>(items.size());
    for (Item<Q, R> item : items) {
      requests.add(item.request);
    }
    // Deferred: a request that fails while being built (e.g. the credential file unreadable) must
    // end through tracked() like any other, or its queue would wait for it forever.
    tracked(target, Mono.defer(() -> transport.batch(target.url(), target.owned(), requests)))
        .subscribe(
            outcomes -> {
              for (int i = 0; i < items.size(); i++) {
                BatchReplies.Outcome<R> o = outcomes.get(i);
                if (o.error() == null) {
                  items.get(i).sink.success(o.value());
                } else {
                  items.get(i).sink.error(o.error());
                }
              }
            },
            error -> {
              if (error instanceof ShardServerException s
                  && BatchReplies.noBatchEndpoint(s.status())) {
                support.refused(target.url(), nanoTime.getAsLong());
                oneByOne(target, items);
              } else {
                items.forEach(item -> item.sink.error(own(error)));
              }
            });
  }

  /** Sends each item as its own plain request (a shard-server without the batch endpoint). */
  private void oneByOne(Target target, List<Item<Q, R>> items) {
    for (Item<Q, R> item : items) {
      item.running.update(
          Mono.defer(() -> transport.one(target.url(), target.owned(), item.request))
              .subscribe(item.sink::success, item.sink::error));
    }
  }

  /**
   * {@code request}, which this target's queue started, calling {@link #finished} when it ends
   * however it ends (answer, failure, or abort), after its own subscriber has seen the outcome.
   */
  private <X> Mono<X> tracked(Target target, Mono<X> request) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    return request.doOnError(failure::set).doFinally(s -> finished(target, failure.get()));
  }

  private void finished(Target target) {
    finished(target, null);
  }

  private void finished(Target target, Throwable failure) {
    List<CoalesceQueue.Send<Item<Q, R>>> next = List.of();
    List<Item<Q, R>> abandoned = List.of();
    synchronized (this) {
      CoalesceQueue<Item<Q, R>> queue = queues.get(target);
      if (failure instanceof ShardServerException s
          && s.status() == ShardServerException.UNREACHABLE) {
        abandoned = queue.doneUnanswered();
      } else {
        next = queue.done();
      }
      if (queue.idle()) {
        queues.remove(target);
      }
    }
    for (Item<Q, R> item : abandoned) {
      item.sink.error(own(failure));
    }
    start(target, next);
  }

  /** A copy of a failure for one caller: callers' operators may add to an exception they get. */
  private static Throwable own(Throwable failure) {
    return failure instanceof ShardServerException s
        ? new ShardServerException(s.url(), s.status(), s.getMessage())
        : failure;
  }

  /** How long a shard-server that refused a batch gets plain requests only. */
  static final long FORGET_REFUSAL_NANOS = TimeUnit.SECONDS.toNanos(60);
}
