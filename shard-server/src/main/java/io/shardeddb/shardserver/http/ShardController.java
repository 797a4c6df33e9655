package io.shardeddb.shardserver.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ContractBodies;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.logging.RequestIds;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.RowTables;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardExplainResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.RoleService;
import io.shardeddb.shardserver.replication.ShardConfigService;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.Snapshot;
import io.shardeddb.shardserver.storage.UserTable;
import io.shardeddb.shardserver.trace.ShardTracing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The assignment's server API: home, config, heartbeat, copy, read, write, update, del.
 *
 * <p>The checks and semantics of {@code /read} and {@code /write} live in {@link ReadRequests} and
 * {@link WriteRequests}, which {@link BatchController} uses for every item of a batch.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class ShardController {
  private static final int COPY_CHUNK_ROWS = 256;

  private final ReplicaContext ctx;
  private final ShardConfigService configs;
  private final ShardStore store;
  private final WriteCoordinator coordinator;
  private final ReadRequests reads;
  private final WriteRequests writes;
  private final JsonMapper json;
  private final RoleService roles;
  private final String serverName;

  private final ShardTracing tracing;

  public ShardController(
      ReplicaContext ctx,
      ShardConfigService configs,
      ShardStore store,
      WriteCoordinator coordinator,
      ReadRequests reads,
      WriteRequests writes,
      JsonMapper json,
      RoleService roles,
      ServerSettings server,
      ShardTracing tracing) {
    this.tracing = tracing;
    this.ctx = ctx;
    this.serverName = server.name();
    this.roles = roles;
    this.configs = configs;
    this.store = store;
    this.coordinator = coordinator;
    this.reads = reads;
    this.writes = writes;
    this.json = json;
  }

  /** The longest a {@code /heartbeat} long-poll waits, whatever it asks. */
  static final long MAX_HEARTBEAT_WAIT_MILLIS = 10_000;

  /**
   * The assignment's greeting, {@code {"message": "Hello from Server: <id>", "status":
   * "successful"}}, the id being this replica's name (the pod name). It takes the heartbeat's
   * callers ({@link ShardAuthFilter}): it names the server, and only health is anonymous.
   */
  @Get("/home")
  public MessageResponse home() {
    return new MessageResponse("Hello from Server: " + serverName, MessageResponse.SUCCESSFUL);
  }

  @Post("/config")
  public MessageResponse config(@Body ShardConfigRequest request) {
    return configs.configure(request);
  }

  /**
   * This replica's role, epoch, position and state. A long-poll when {@code appliedLsn} and {@code
   * waitMillis} are given: the answer waits (at most {@code waitMillis}, capped at {@link
   * #MAX_HEARTBEAT_WAIT_MILLIS}) until this replica has applied {@code appliedLsn}, so the
   * operator's switch-over waits for its target here instead of polling with a sleep in its
   * reconcile pass.
   */
  @Get("/heartbeat")
  public Heartbeat heartbeat(
      @QueryValue @Nullable Long appliedLsn, @QueryValue @Nullable Long waitMillis) {
    if (appliedLsn != null && waitMillis != null && waitMillis > 0) {
      try {
        ctx.awaitApplied(appliedLsn, Math.min(waitMillis, MAX_HEARTBEAT_WAIT_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // What it says of its copy state goes through the rule (rule 7, RoleService.reported).
    // A secondary also says when it last heard from its primary (rule 11).
    Heartbeat h = roles.reportedWithContact(ctx.heartbeat());
    // A primary also says how its write quorum stands (rules 11 and 12).
    return h.role() == Role.Primary ? h.withQuorum(coordinator.quorumState()) : h;
  }

  @Get(value = "/copy", produces = MediaType.APPLICATION_JSON)
  public Flux<byte[]> copyAll() {
    return copyOf(ctx.requireConfig());
  }

  @Post(value = "/copy", produces = MediaType.APPLICATION_JSON)
  public Flux<byte[]> copy(@Body Map<String, Object> body) {
    ShardConfig config = ctx.requireConfig();
    Object shards = body.get("shards");
    if (!(shards instanceof List<?> list) || list.isEmpty()) {
      throw new InvalidRequestException("missing field 'shards' (a list of shard ids)");
    }
    for (Object s : list) {
      RequestFields.requireShard(config, s, ctx.name());
    }
    return copyOf(config);
  }

  /**
   * {@code {"sh1":[rows in key order],"status":"success"}}, streamed from one consistent snapshot
   * in chunks of {@link #COPY_CHUNK_ROWS} rows (never the whole shard in memory). The snapshot is
   * opened before the first byte goes out, so a failure to open it is still an error status.
   */
  private Flux<byte[]> copyOf(ShardConfig config) {
    UserTable table = ctx.requireTable();
    boolean[] first = {true};
    return Flux.using(
            () -> store.openSnapshot(table),
            snap ->
                Flux.concat(
                    Mono.fromCallable(
                        () ->
                            ("{" + json.writeValueAsString(config.shardId()) + ":[")
                                .getBytes(StandardCharsets.UTF_8)),
                    Flux.<byte[]>generate(
                        sink -> {
                          List<Map<String, Object>> rows = snap.next(COPY_CHUNK_ROWS);
                          if (rows.isEmpty()) {
                            sink.complete();
                            return;
                          }
                          ByteArrayOutputStream out = new ByteArrayOutputStream();
                          try {
                            for (Map<String, Object> row : rows) {
                              if (RowTables.of(row) != null) {
                                // The assignment's /copy is of the database's first table.
                                continue;
                              }
                              if (!first[0]) {
                                out.write(',');
                              }
                              first[0] = false;
                              out.write(
                                  json.writeValueAsBytes(table.toWire(RowTimestamps.without(row))));
                            }
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                          sink.next(out.toByteArray());
                        }),
                    Mono.fromCallable(
                        () ->
                            ("],\"status\":"
                                    + json.writeValueAsString(MessageResponse.SUCCESS)
                                    + "}")
                                .getBytes(StandardCharsets.UTF_8))),
            Snapshot::close)
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * Rows in the inclusive key range, in key order. With {@code minLsn} alone, a replica that has
   * not applied that LSN waits up to {@code shardeddb.replication.min-lsn-wait}, then answers 409.
   * With {@code "consistency":"primary"} only the current primary holding its lease answers (409
   * "not primary", 503 "no lease"); with {@code minEpoch} and {@code minLsn} (a session) only an
   * in-sync replica whose log holds that entry answers (409 otherwise). Rule 9. An optional {@code
   * filter} ({@link ReadFilter}) keeps only matching rows, evaluated by MySQL before paging (400
   * for an unknown column or a value of the wrong type); {@code "count": true} answers how many
   * rows match instead of the rows. The implementation is {@link ReadRequests}, shared with {@code
   * /read/batch}.
   */
  @Post("/read")
  public ShardReadResponse read(
      @Body Map<String, Object> body,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    RequestFields.requireExpectedOwnership(config, expectedOwned);
    return reads.run(config, reads.planChecked(config, body));
  }

  /**
   * MariaDB's {@code EXPLAIN} of the SELECT a {@code /read} of the same body would run here, and
   * that SELECT's text ({@link ShardExplainResponse}); the body is checked as {@code /read} checks
   * it (and passes the same guards), no row is read. The router's {@code EXPLAIN} asks it.
   */
  @Post(ShardEndpoints.READ_EXPLAIN)
  public ShardExplainResponse explain(
      @Body Map<String, Object> body,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    RequestFields.requireExpectedOwnership(config, expectedOwned);
    return reads.explain(config, reads.planChecked(config, body));
  }

  /**
   * Rows in one change; the implementation is {@link WriteRequests}, shared with /write/batch. In
   * the primary's write span ({@link ShardTracing#write}) when traces are on, and logged under the
   * router's request id ({@link WriteLines}).
   */
  @Post("/write")
  public ShardWriteResponse write(
      @Body ShardWriteRequest request,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    String before = RequestIds.enter(request.clientRequestId());
    try {
      ShardWriteResponse written =
          tracing.write(
              request,
              () -> {
                ShardConfig config = ctx.requireConfig();
                RequestFields.requireShard(config, request.shard(), ctx.name());
                WriteRequests.Prepared w = writes.prepare(config, request, expectedOwned);
                WriteCoordinator.Acked acked = coordinator.submitAcked(w.change());
                return writes.written(WriteRequests.ADDED, w.current(), acked);
              });
      WriteLines.acked(request, written);
      return written;
    } catch (RuntimeException e) {
      WriteLines.refused(request, BatchItems.status(e), e.getMessage());
      throw e;
    } finally {
      RequestIds.restore(before);
    }
  }

  /**
   * One transaction's steps, committed as one Txn log entry on every copy or not at all: the first
   * step that cannot apply (an insert of a held key 409, an update or delete of a missing one 404,
   * a key not owned 421) refuses the whole; the implementation is {@link WriteRequests#txn}.
   */
  @Post(ShardEndpoints.TXN)
  public ShardWriteResponse txn(
      @Body ShardTxnRequest request,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, request.shard(), ctx.name());
    ClientChange change = writes.txn(config, request, expectedOwned);
    WriteCoordinator.Acked acked = coordinator.submitAcked(change);
    return writes.written(
        "Transaction committed (" + request.steps().size() + " changes)", null, acked);
  }

  @Put("/update")
  public ShardWriteResponse update(
      @Body Map<String, Object> body,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    TableSchema schema = RequestFields.table(config, body);
    String keyName = schema.shardKey();
    Object key = ContractBodies.key(body, schema);
    String requestId = RequestFields.requestId(body.get("requestId"));
    writes.requireOwnedUnlessRetry(config, expectedOwned, requestId, List.of(key));
    Map<String, Object> values = schema.coercePartialRow(ContractBodies.updateData(body));
    Map<String, Object> keyRow = schema.keyRow(key);
    for (Map.Entry<String, Object> k : keyRow.entrySet()) {
      Object newKey = values.get(k.getKey());
      if (newKey != null && !newKey.equals(k.getValue())) {
        throw new InvalidRequestException(
            "field 'data' changes "
                + k.getKey()
                + " from "
                + k.getValue()
                + " to "
                + newKey
                + (k.getKey().equals(keyName)
                    ? "; the shard key cannot be updated"
                    : "; a primary key column cannot be updated"));
      }
    }
    WriteCoordinator.Acked acked =
        coordinator.submitAcked(
            ClientChange.update(key, values, requestId)
                .withTimestamp(RequestFields.timestamp(body.get("timestamp")))
                .ofTable((String) body.get("table")));
    return writes.written("Data entry for " + keyName + ":" + key + " updated", null, acked);
  }

  @Delete("/del")
  public ShardWriteResponse delete(
      @Body @Nullable Map<String, Object> body,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    if (body == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    TableSchema schema = RequestFields.table(config, body);
    String keyName = schema.shardKey();
    Object key = ContractBodies.key(body, schema);
    String requestId = RequestFields.requestId(body.get("requestId"));
    writes.requireOwnedUnlessRetry(config, expectedOwned, requestId, List.of(key));
    WriteCoordinator.Acked acked =
        coordinator.submitAcked(
            ClientChange.delete(key, requestId)
                .withTimestamp(RequestFields.timestamp(body.get("timestamp")))
                .ofTable((String) body.get("table")));
    return writes.written("Data entry with " + keyName + ":" + key + " removed", null, acked);
  }
}
