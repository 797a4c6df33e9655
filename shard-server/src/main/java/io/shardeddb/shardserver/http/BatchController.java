package io.shardeddb.shardserver.http;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.logging.RequestIds;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.shardserver.replication.Ownership;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.trace.ShardTracing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /write/batch} and {@code POST /read/batch}: several {@code /write} or {@code /read}
 * requests a router coalesced, each item checked and answered by the same code as the single
 * endpoint ({@link WriteRequests}, {@link ReadRequests}) and given its own result.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class BatchController {
  private static final Logger LOG = LoggerFactory.getLogger(BatchController.class);

  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ReadRequests reads;
  private final WriteRequests writes;
  private final Ownership ownership;
  private final ShardTracing tracing;
  private final DistributionSummary writeItems;
  private final DistributionSummary readItems;

  public BatchController(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      ReadRequests reads,
      WriteRequests writes,
      Ownership ownership,
      MeterRegistry registry,
      ShardTracing tracing) {
    this.tracing = tracing;
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.reads = reads;
    this.writes = writes;
    this.ownership = ownership;
    this.writeItems = itemsSummary(registry, "write");
    this.readItems = itemsSummary(registry, "read");
  }

  private static DistributionSummary itemsSummary(MeterRegistry registry, String op) {
    return DistributionSummary.builder("shardeddb.batch.items")
        .description("items per /write/batch or /read/batch request")
        .tag("op", op)
        .publishPercentileHistogram()
        .register(registry);
  }

  /**
   * Every valid item is queued before any is awaited, in the request's order, so they share one
   * group commit (and one round trip to each secondary); an invalid item is answered at once and
   * never queued. A retried request id gets its original outcome (rule 8) as it would alone. Each
   * item that names a trace has its own write span ({@link ShardTracing#writes}), and each item's
   * line is logged under its own router request id ({@link WriteLines}).
   */
  @Post(ShardEndpoints.WRITE_BATCH)
  public ShardWriteBatchResponse writeBatch(
      @Body ShardWriteBatchRequest request,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    return tracing.writes(request.writes(), () -> writeAll(request, expectedOwned));
  }

  private ShardWriteBatchResponse writeAll(
      ShardWriteBatchRequest request, @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    List<ShardWriteRequest> items =
        BatchItems.require(request.writes(), "writes", BatchItems.MAX_ITEMS);
    // A router with another layout gets one 421 for the whole batch, unless an item is a retry of
    // a change recorded here (Ownership.itemsExpectation).
    String itemsExpect =
        ownership.itemsExpectation(
            config,
            expectedOwned,
            items.stream().map(i -> i == null ? null : i.requestId()).toList());
    ctx.requirePrimary();
    writeItems.record(items.size());
    int n = items.size();
    RuntimeException[] failed = new RuntimeException[n];
    WriteRequests.Prepared[] prepared = new WriteRequests.Prepared[n];
    for (int i = 0; i < n; i++) {
      ShardWriteRequest item = items.get(i);
      String before = RequestIds.enter(item == null ? null : item.clientRequestId());
      try {
        prepared[i] = writes.prepare(config, requireItem(item, "writes", i), itemsExpect);
      } catch (RuntimeException e) {
        failed[i] = e;
      } finally {
        RequestIds.restore(before);
      }
    }
    WriteCoordinator.Acked[] acked = awaitAll(enqueueAll(prepared, failed), failed);
    return answers(items, prepared, acked, failed);
  }

  /** Queues every prepared item, in order; an item the coordinator refuses gets its failure. */
  private List<CompletableFuture<WriteCoordinator.Acked>> enqueueAll(
      WriteRequests.Prepared[] prepared, RuntimeException[] failed) {
    List<CompletableFuture<WriteCoordinator.Acked>> queued = new ArrayList<>(prepared.length);
    for (int i = 0; i < prepared.length; i++) {
      CompletableFuture<WriteCoordinator.Acked> q = null;
      if (prepared[i] != null) {
        try {
          q = coordinator.enqueue(prepared[i].change());
        } catch (RuntimeException e) {
          // The role changed after the first items were queued: those still get their outcome.
          failed[i] = e;
        }
      }
      queued.add(q);
    }
    return queued;
  }

  /** Each queued item's acknowledgement, or its failure. */
  private WriteCoordinator.Acked[] awaitAll(
      List<CompletableFuture<WriteCoordinator.Acked>> queued, RuntimeException[] failed) {
    WriteCoordinator.Acked[] acked = new WriteCoordinator.Acked[queued.size()];
    for (int i = 0; i < acked.length; i++) {
      if (queued.get(i) != null) {
        try {
          acked[i] = coordinator.await(queued.get(i));
        } catch (RuntimeException e) {
          failed[i] = e;
        }
      }
    }
    return acked;
  }

  /**
   * Each item's result — acknowledged, or the status its failure answers — logged under the
   * router's request id of the item ({@link WriteLines}).
   */
  private ShardWriteBatchResponse answers(
      List<ShardWriteRequest> items,
      WriteRequests.Prepared[] prepared,
      WriteCoordinator.Acked[] acked,
      RuntimeException[] failed) {
    // Epochs the batcher did not report (a deduplicated retry): one lookup per batch, not per item
    // (WriteRequests.epochsOf).
    List<Long> lsns = new ArrayList<>();
    for (WriteCoordinator.Acked a : acked) {
      if (a != null && a.entryEpoch() <= 0) {
        lsns.add(a.lsn());
      }
    }
    List<Long> epochs = writes.epochsOf(lsns);
    ShardWriteBatchResponse.Result[] results = new ShardWriteBatchResponse.Result[items.size()];
    for (int i = 0, j = 0; i < results.length; i++) {
      ShardWriteRequest item = items.get(i);
      String before = RequestIds.enter(item == null ? null : item.clientRequestId());
      try {
        if (acked[i] != null) {
          Long epoch =
              acked[i].entryEpoch() > 0 ? Long.valueOf(acked[i].entryEpoch()) : epochs.get(j++);
          ShardWriteResponse written =
              writes.written(WriteRequests.ADDED, prepared[i].current(), acked[i], epoch);
          WriteLines.acked(item, written);
          results[i] = ShardWriteBatchResponse.Result.ok(written);
        } else {
          results[i] = failedWrite(failed[i]);
          if (item != null) {
            WriteLines.refused(item, results[i].status(), results[i].message());
          }
        }
      } finally {
        RequestIds.restore(before);
      }
    }
    return new ShardWriteBatchResponse(Arrays.asList(results));
  }

  /**
   * Every item is planned (validated, lease, session and {@code minLsn} guards) first; then, with
   * the lease checked again for {@code primary} items right before their rows are read, all
   * single-key items are answered by one query and the others one by one.
   */
  @Post(ShardEndpoints.READ_BATCH)
  public ShardReadBatchResponse readBatch(
      @Body ShardReadBatchRequest request,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireExpectedOwnership(config, expectedOwned);
    List<Map<String, Object>> items =
        BatchItems.require(request.reads(), "reads", BatchItems.MAX_ITEMS);
    readItems.record(items.size());
    int n = items.size();
    ShardReadBatchResponse.Result[] results = new ShardReadBatchResponse.Result[n];
    ReadRequests.Plan[] plans = new ReadRequests.Plan[n];
    for (int i = 0; i < n; i++) {
      try {
        plans[i] = reads.plan(config, requireItem(items.get(i), "reads", i));
      } catch (RuntimeException e) {
        results[i] = failedRead(e);
      }
    }
    List<Integer> pointItems = new ArrayList<>();
    List<ReadRequests.Plan> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (plans[i] != null && plans[i].isPoint()) {
        try {
          reads.recheck(plans[i]);
          pointItems.add(i);
          points.add(plans[i]);
        } catch (RuntimeException e) {
          results[i] = failedRead(e);
        }
      }
    }
    if (!points.isEmpty()) {
      try {
        List<ShardReadResponse> answers = reads.runPoints(config, points);
        for (int j = 0; j < pointItems.size(); j++) {
          results[pointItems.get(j)] = ShardReadBatchResponse.Result.ok(answers.get(j));
        }
      } catch (RuntimeException e) {
        ShardReadBatchResponse.Result failed = failedRead(e);
        pointItems.forEach(i -> results[i] = failed);
      }
    }
    for (int i = 0; i < n; i++) {
      if (plans[i] != null && !plans[i].isPoint()) {
        try {
          reads.recheck(plans[i]);
          results[i] = ShardReadBatchResponse.Result.ok(reads.run(config, plans[i]));
        } catch (RuntimeException e) {
          results[i] = failedRead(e);
        }
      }
    }
    return new ShardReadBatchResponse(Arrays.asList(results));
  }

  private static <T> T requireItem(T item, String field, int index) {
    if (item == null) {
      throw new InvalidRequestException(field + "[" + index + "] must be a JSON object, not null");
    }
    return item;
  }

  private static ShardWriteBatchResponse.Result failedWrite(RuntimeException e) {
    return ShardWriteBatchResponse.Result.failed(statusOf(e), e.getMessage());
  }

  private static ShardReadBatchResponse.Result failedRead(RuntimeException e) {
    return ShardReadBatchResponse.Result.failed(statusOf(e), e.getMessage());
  }

  private static int statusOf(RuntimeException e) {
    int status = BatchItems.status(e);
    if (status == 500) {
      LOG.warn("batch item failed unexpectedly", e);
    }
    return status;
  }
}
