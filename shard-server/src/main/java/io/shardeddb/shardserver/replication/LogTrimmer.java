package io.shardeddb.shardserver.replication;

import io.micronaut.context.annotation.Context;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardStore;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the replication log bounded: every trim interval, entries more than {@code log-retention}
 * behind the applied LSN are deleted. A replica that later asks for them gets 410 and re-copies.
 */
@Context
public class LogTrimmer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogTrimmer.class);

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final ReplicationSettings settings;
  private final LogTrimFloor floor;
  private final Rulebook rules;
  private final ScheduledExecutorService timer;

  public LogTrimmer(
      ReplicaContext ctx,
      ShardStore store,
      ReplicationSettings settings,
      LogTrimFloor floor,
      Rulebook rules) {
    this.ctx = ctx;
    this.store = store;
    this.settings = settings;
    this.floor = floor;
    this.rules = rules;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("log-trimmer-" + ctx.name()).factory());
    long period = Math.max(100, settings.logTrimInterval().toMillis());
    timer.scheduleWithFixedDelay(this::trimQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Trims once if the log holds more than the retention, never above the {@link LogTrimFloor}
   * (entries not yet archived stay); returns the new log base LSN.
   */
  public long trim() {
    return trimOnce(
        ctx, rules, settings.logRetention(), floor, System.currentTimeMillis(), store::trimLog);
  }

  /**
   * One trim apart from the timer and the database (the simulator runs it over its own storage):
   * the log is trimmed through {@link Rulebook#trimmedThrough} of the applied LSN, {@code
   * retention} and {@code floor}'s LSN at {@code nowMillis}, when that is past where the log starts
   * now ({@code trimLog} removes the entries through an LSN and answers the new base entry's
   * epoch); returns the log's base LSN.
   */
  public static long trimOnce(
      ReplicaContext ctx,
      Rulebook rules,
      long retention,
      LogTrimFloor floor,
      long nowMillis,
      LongUnaryOperator trimLog) {
    long applied = ctx.appliedLsn();
    long target = rules.trimmedThrough(applied, retention, floor.maxTrimLsn(applied, nowMillis));
    if (target > ctx.logStartLsn()) {
      long epoch = trimLog.applyAsLong(target);
      ctx.logStart(target, epoch);
    }
    return ctx.logStartLsn();
  }

  private void trimQuietly() {
    try {
      trim();
    } catch (RuntimeException e) {
      LOG.warn("log trim of {} failed: {}", ctx.name(), e.toString());
    }
  }

  @PreDestroy
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
