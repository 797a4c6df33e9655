package io.shardeddb.router.shard;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.router.config.RouterSettings;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import reactor.core.publisher.Mono;

/**
 * The router's data calls to shard-servers ({@link ShardDataCalls}) over a {@link Wire}: a small
 * {@code /write} to a replica that arrives while another is in flight there waits and goes with the
 * others in one {@code /write/batch} ({@link Coalescer}, {@code shardeddb.router.coalesce.*}), and
 * its caller gets the outcome {@code /write} alone would have given; updates and deletes go as they
 * are. Production runs it over HTTP ({@link ShardServerClient}); the simulator over its network, so
 * the coalescing it runs is this one.
 */
public final class CoalescedWrites implements ShardDataCalls {

  /**
   * Writes bigger than this (a rough size of their rows) are never coalesced: they gain little from
   * sharing a request, and a batch of them could pass the shard-server's request size limit (64 MB;
   * {@code max-batch} of these stays far below it, whatever the JSON escaping).
   */
  static final long MAX_COALESCED_WRITE_CHARS = 64 * 1024;

  /** The plain calls and the batch, each failing with a {@link ShardServerException}. */
  public interface Wire {
    Mono<ShardWriteResponse> write(String url, String owned, ShardWriteRequest request);

    /** {@code POST /write/batch}: fails only as a whole; each item's result is in the reply. */
    Mono<ShardWriteBatchResponse> writeBatch(
        String url, String owned, ShardWriteBatchRequest batch);

    Mono<ShardWriteResponse> update(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        Map<String, Object> row,
        String requestId,
        long timestamp);

    Mono<ShardWriteResponse> delete(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        String requestId,
        long timestamp);

    /**
     * {@code PUT /update} of a row of {@code table} (null: the first; see {@link ShardDataCalls}).
     */
    default Mono<ShardWriteResponse> update(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        Map<String, Object> row,
        String requestId,
        long timestamp,
        String table) {
      if (table == null) {
        return update(url, shard, owned, keyName, key, row, requestId, timestamp);
      }
      return Mono.error(ShardDataCalls.firstTableOnly(url, table));
    }

    /** {@code DELETE /del} of a row of {@code table} (null: the first). */
    default Mono<ShardWriteResponse> delete(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        String requestId,
        long timestamp,
        String table) {
      if (table == null) {
        return delete(url, shard, owned, keyName, key, requestId, timestamp);
      }
      return Mono.error(ShardDataCalls.firstTableOnly(url, table));
    }

    /**
     * {@code POST /txn}. The simulator's network carries no SQL transactions yet (it runs the write
     * path's other calls): there this fails as a shard-server without the endpoint would.
     */
    default Mono<ShardWriteResponse> txn(String url, String owned, ShardTxnRequest request) {
      return Mono.error(
          new ShardServerException(url, 501, "this transport carries no transactions"));
    }
  }

  private final Wire wire;
  private final Coalescer<ShardWriteRequest, ShardWriteResponse> writes;

  /** Coalesced by {@code settings} (none when disabled), timed by {@code nanoTime}. */
  public CoalescedWrites(
      Wire wire, RouterSettings.Coalesce settings, LongSupplier nanoTime, MeterRegistry meters) {
    this(wire, settings, url -> settings.maxInFlight(), nanoTime, meters);
  }

  /**
   * As above, with the requests in flight per shard-server URL asked at every call ({@code
   * maxInFlight}) instead of {@code settings.maxInFlight()}.
   */
  public CoalescedWrites(
      Wire wire,
      RouterSettings.Coalesce settings,
      ToIntFunction<String> maxInFlight,
      LongSupplier nanoTime,
      MeterRegistry meters) {
    this.wire = wire;
    this.writes =
        settings.enabled() ? coalescer(wire, settings, maxInFlight, nanoTime, meters) : null;
  }

  private static Coalescer<ShardWriteRequest, ShardWriteResponse> coalescer(
      Wire wire,
      RouterSettings.Coalesce settings,
      ToIntFunction<String> maxInFlight,
      LongSupplier nanoTime,
      MeterRegistry meters) {
    Coalescer.Transport<ShardWriteRequest, ShardWriteResponse> transport =
        new Coalescer.Transport<>() {
          @Override
          public Mono<ShardWriteResponse> one(String url, String owned, ShardWriteRequest r) {
            return wire.write(url, owned, r);
          }

          @Override
          public Mono<List<BatchReplies.Outcome<ShardWriteResponse>>> batch(
              String url, String owned, List<ShardWriteRequest> requests) {
            return wire.writeBatch(url, owned, new ShardWriteBatchRequest(requests))
                .map(
                    reply ->
                        BatchReplies.split(
                            url,
                            requests.size(),
                            reply.results(),
                            ShardWriteBatchResponse.Result::status,
                            ShardWriteBatchResponse.Result::message,
                            ShardWriteBatchResponse.Result::response));
          }
        };
    return new Coalescer<>(
        transport,
        settings.maxBatch(),
        maxInFlight,
        new BatchSupport(Coalescer.FORGET_REFUSAL_NANOS),
        nanoTime,
        batchItems(meters, "write"));
  }

  /** {@code shardeddb_router_batch_items}: calls per request the coalescer sent (1: alone). */
  static DistributionSummary batchItems(MeterRegistry meters, String op) {
    return DistributionSummary.builder("shardeddb.router.batch.items")
        .description("calls carried by one request to a shard-server (1: sent alone)")
        .tag("op", op)
        .publishPercentileHistogram()
        .register(meters);
  }

  @Override
  public Mono<ShardWriteResponse> write(String url, String owned, ShardWriteRequest request) {
    if (writes != null && smallWrite(request)) {
      return writes.call(url, owned, request);
    }
    return wire.write(url, owned, request);
  }

  @Override
  public Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp) {
    return wire.update(url, shard, owned, keyName, key, row, requestId, timestamp);
  }

  @Override
  public Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp,
      String table) {
    return wire.update(url, shard, owned, keyName, key, row, requestId, timestamp, table);
  }

  @Override
  public Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp) {
    return wire.delete(url, shard, owned, keyName, key, requestId, timestamp);
  }

  @Override
  public Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp,
      String table) {
    return wire.delete(url, shard, owned, keyName, key, requestId, timestamp, table);
  }

  /** Never coalesced: a transaction is its own log entry. */
  @Override
  public Mono<ShardWriteResponse> txn(String url, String owned, ShardTxnRequest request) {
    return wire.txn(url, owned, request);
  }

  /** Writes to {@code url} waiting to be sent in a batch (tests watch the queue fill). */
  public int waiting(String url) {
    return writes == null ? 0 : writes.waiting(url);
  }

  /** Whether {@code request}'s rows are small enough to coalesce (a cheap over-estimate). */
  static boolean smallWrite(ShardWriteRequest request) {
    if (request.data() == null) {
      return true;
    }
    long chars = 0;
    for (Map<String, Object> row : request.data()) {
      for (Map.Entry<String, Object> cell : row.entrySet()) {
        chars += cell.getKey().length() + 8;
        chars += cell.getValue() instanceof CharSequence cs ? cs.length() : 40;
        if (chars > MAX_COALESCED_WRITE_CHARS) {
          return false;
        }
      }
    }
    return true;
  }
}
