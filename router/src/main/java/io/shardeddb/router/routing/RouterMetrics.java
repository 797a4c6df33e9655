package io.shardeddb.router.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's own meters, beside Micronaut's per-endpoint latency histograms: fan-out size per
 * read and write, retries after a failed shard call or a 421 (a moved key range), failures by
 * endpoint and status, SQL statements by kind, and per shard the writes its primary acknowledged
 * (also kept as a {@link WriteHistogram} per shard, which the web console samples).
 */
@Singleton
public class RouterMetrics {
  private final MeterRegistry registry;
  private final DistributionSummary readFanout;
  private final DistributionSummary writeFanout;
  private final Counter retries;
  private final Counter movedRetries;
  private final Map<String, ShardWrites> shardWrites = new ConcurrentHashMap<>();

  /** One shard's write meters, registered at its first write and kept (not looked up per write). */
  private record ShardWrites(WriteHistogram histogram, Timer timer, Counter rows) {}

  public RouterMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.readFanout =
        DistributionSummary.builder("shardeddb.router.fanout")
            .description("shards touched by one request")
            .tag("op", "read")
            .publishPercentileHistogram()
            .register(registry);
    this.writeFanout =
        DistributionSummary.builder("shardeddb.router.fanout")
            .description("shards touched by one request")
            .tag("op", "write")
            .publishPercentileHistogram()
            .register(registry);
    this.retries =
        Counter.builder("shardeddb.router.retries")
            .description("shard calls retried after a failover or an unreachable replica")
            .register(registry);
    this.movedRetries =
        Counter.builder("shardeddb.router.moved.retries")
            .description(
                "requests routed again after a shard answered 421 (its key range moved away)")
            .register(registry);
  }

  public void readFanout(int shards) {
    readFanout.record(shards);
  }

  public void writeFanout(int shards) {
    writeFanout.record(shards);
  }

  public void retry() {
    retries.increment();
  }

  /** Counts one routing again after a 421 (the router's layout was older than a shard's). */
  public void movedRetry() {
    movedRetries.increment();
  }

  /**
   * Times one {@code /query} statement by kind ({@code select}, {@code insert}, {@code update},
   * {@code delete}, or {@code unsupported}/{@code invalid} when it never ran) and HTTP status.
   */
  public void sqlStatement(String kind, int status, long nanos) {
    Timer.builder("shardeddb.router.sql.statements")
        .description("SQL statements served by /query, by statement kind and HTTP status")
        .tag("kind", kind)
        .tag("status", String.valueOf(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts a failed request by endpoint and HTTP status. */
  public void error(String endpoint, int status) {
    registry
        .counter("shardeddb.router.errors", "endpoint", endpoint, "status", String.valueOf(status))
        .increment();
  }

  /**
   * Counts one write (a {@code /write} part, an update, a delete, a transaction) that {@code
   * shard}'s primary acknowledged {@code nanos} after the router first sent it (failover retries
   * included: the wait a client meets), carrying {@code rows} rows.
   */
  public void shardWrite(String shard, int rows, long nanos) {
    ShardWrites meters = shardWrites.computeIfAbsent(shard, this::newShardWrites);
    meters.histogram().record(rows, nanos);
    meters.timer().record(nanos, TimeUnit.NANOSECONDS);
    meters.rows().increment(rows);
  }

  private ShardWrites newShardWrites(String shard) {
    return new ShardWrites(
        new WriteHistogram(),
        Timer.builder("shardeddb.router.shard.writes")
            .description(
                "writes a shard's primary acknowledged, as long as the router waited for them")
            .tag("shard", shard)
            .publishPercentileHistogram()
            .register(registry),
        registry.counter("shardeddb.router.shard.rows.written", "shard", shard));
  }

  /** The writes {@code shard}'s primary acknowledged to this router so far; empty before any. */
  public Optional<WriteHistogram.Snapshot> shardWrites(String shard) {
    return Optional.ofNullable(shardWrites.get(shard)).map(m -> m.histogram().snapshot());
  }
}
