package io.shardeddb.shardserver.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ContractBodies;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.ShardConfigService;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.rules.LogMatching;
import io.shardeddb.shardserver.replication.rules.SessionReads;
import io.shardeddb.shardserver.storage.FilterClause;
import io.shardeddb.shardserver.storage.ReadPaging;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The assignment's server API: config, heartbeat, copy, read, write, update, del.
 *
 * <p>Why one file (~440 lines): it is the shard-server's half of the contract, endpoint for
 * endpoint, and the guards the reads and writes share (the primary's lease, the session's entry and
 * epoch, waiting for an LSN) stay next to the endpoints they protect.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class ShardController {
  private static final int COPY_CHUNK_ROWS = 256;

  private final ReplicaContext ctx;
  private final ShardConfigService configs;
  private final ShardStore store;
  private final WriteCoordinator coordinator;
  private final ReplicationSettings settings;
  private final long pageBytes;
  private final JsonMapper json;
  private final MeterRegistry registry;
  private final Map<String, Counter> rowsRead = new ConcurrentHashMap<>();
  private final Map<String, Counter> counted = new ConcurrentHashMap<>();

  public ShardController(
      ReplicaContext ctx,
      ShardConfigService configs,
      ShardStore store,
      WriteCoordinator coordinator,
      ReplicationSettings settings,
      @Value("${shardeddb.read.page-bytes:" + ReadPaging.DEFAULT_PAGE_BYTES + "}") long pageBytes,
      JsonMapper json,
      MeterRegistry registry) {
    this.ctx = ctx;
    this.configs = configs;
    this.store = store;
    this.coordinator = coordinator;
    this.settings = settings;
    this.pageBytes = pageBytes;
    this.json = json;
    this.registry = registry;
  }

  @Post("/config")
  public MessageResponse config(@Body ShardConfigRequest request) {
    return configs.configure(request);
  }

  @Get("/heartbeat")
  public Heartbeat heartbeat() {
    return ctx.heartbeat();
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
                              if (!first[0]) {
                                out.write(',');
                              }
                              first[0] = false;
                              out.write(json.writeValueAsBytes(table.toWire(row)));
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
            ShardStore.Snapshot::close)
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
   * rows match instead of the rows.
   */
  @Post("/read")
  public ShardReadResponse read(
      @Body Map<String, Object> body,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    requireExpectedOwnership(config, expectedOwned);
    KeyRange range = ContractBodies.range(body, config.schema().shardKey());
    Long minLsn = RequestFields.minLsn(body);
    Long minEpoch = RequestFields.minEpoch(body);
    if (RequestFields.primaryConsistency(body)) {
      requireLease();
    }
    if (minEpoch != null) {
      if (minLsn == null) {
        throw new InvalidRequestException("field 'minEpoch' needs 'minLsn' (the session's entry)");
      }
      requireSessionEntry(minEpoch, minLsn);
    } else if (minLsn != null) {
      awaitLsn(minLsn);
    }
    ReadFilter filter = ReadFilter.fromWire(body.get("filter"));
    FilterClause userWhere = filter == null ? null : FilterClause.of(config.schema(), filter);
    boolean count = RequestFields.count(body);
    ReplicaContext.View v = ctx.view();
    UserTable table = ctx.requireTable();
    String filtered = userWhere == null ? "none" : "pushed";
    // Rows the shard still stores but no longer owns (fenced, not yet purged) are never returned:
    // under Range the owned key ranges go into the SQL, under Hash each row's point is checked.
    List<PointRange> owned = ctx.config().ownedRanges();
    Sharding sharding = config.pointsBy();
    boolean byHash = owned != null && sharding == Sharding.Hash;
    FilterClause where =
        owned != null && sharding == Sharding.Range ? table.keyIn(owned, userWhere) : userWhere;
    if (count) {
      long n =
          byHash
              ? store.read(c -> table.keys(c, range.low(), range.high(), where)).stream()
                  .filter(k -> PointRange.anyContains(owned, sharding.point(k)))
                  .count()
              : store.read(c -> table.count(c, range.low(), range.high(), where));
      counted.computeIfAbsent(filtered, this::countedCounter).increment();
      return new ShardReadResponse(
          List.of(),
          MessageResponse.SUCCESS,
          v.appliedLsn(),
          v.appliedLsn(),
          v.lastEntryEpoch(),
          null,
          n);
    }
    int pageRows =
        ReadPaging.rowsPerPage(
            config.schema(), pageBytes, ReadPaging.DEFAULT_PAGE_ROWS, RequestFields.limit(body));
    // One row past the page tells whether the range goes on, and where.
    List<Map<String, Object>> rows =
        store.read(c -> table.range(c, range.low(), range.high(), where, pageRows + 1));
    Long next = null;
    if (rows.size() > pageRows) {
      next = ((Number) rows.get(pageRows).get(config.schema().shardKey())).longValue();
      rows = rows.subList(0, pageRows);
    }
    if (byHash) {
      // A page may come out short; `next` still says where the key range goes on.
      String keyName = config.schema().shardKey();
      rows =
          rows.stream()
              .filter(
                  r ->
                      PointRange.anyContains(
                          owned, sharding.point(((Number) r.get(keyName)).longValue())))
              .toList();
    }
    rowsRead.computeIfAbsent(filtered, this::rowsCounter).increment(rows.size());
    return new ShardReadResponse(
        rows, MessageResponse.SUCCESS, v.appliedLsn(), v.appliedLsn(), v.lastEntryEpoch(), next);
  }

  private Counter rowsCounter(String filter) {
    return Counter.builder("shardeddb.read.rows")
        .description("rows /read sent back, by whether a filter was applied in MySQL")
        .tag("filter", filter)
        .register(registry);
  }

  private Counter countedCounter(String filter) {
    return Counter.builder("shardeddb.read.counts")
        .description("/read requests answered with a count instead of rows")
        .tag("filter", filter)
        .register(registry);
  }

  private void requireLease() {
    ctx.requirePrimary();
    ReplicaContext.View v = ctx.view();
    switch (coordinator.lease()) {
      case HELD -> {}
      case TOO_SOON_AFTER_PROMOTION ->
          throw ShardException.unavailable(
              "no lease: "
                  + ctx.name()
                  + " became primary of epoch "
                  + v.epoch()
                  + " less than one lease period ("
                  + settings.leasePeriod().toMillis()
                  + " ms) ago; a former primary may still serve reads until then");
      case EXPIRED ->
          throw ShardException.unavailable(
              "no lease: a majority of the replicas has not acknowledged epoch "
                  + v.epoch()
                  + " of "
                  + ctx.name()
                  + " within the last "
                  + settings.leaseWindow().toMillis()
                  + " ms");
    }
  }

  private void requireSessionEntry(long minEpoch, long minLsn) {
    try {
      ctx.awaitApplied(minLsn, settings.minLsnWait().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("interrupted while waiting for lsn " + minLsn);
    }
    ReplicaContext.View v = ctx.view();
    long epochAt = epochAt(v, minLsn);
    switch (SessionReads.decide(ctx.inSync(), v.appliedLsn(), minEpoch, minLsn, epochAt)) {
      case SERVE -> {}
      case NOT_YET ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " has applied lsn "
                  + v.appliedLsn()
                  + ", not yet minLsn "
                  + minLsn);
      case NOT_IN_SYNC ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " is not in sync with the primary of epoch "
                  + v.epoch()
                  + " (state "
                  + ctx.state()
                  + "); it cannot serve a session read");
      case OTHER_HISTORY ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " holds lsn "
                  + minLsn
                  + " from epoch "
                  + epochAt
                  + ", not the session's epoch "
                  + minEpoch
                  + "; it cannot serve this session");
      case CANNOT_VERIFY ->
          throw ShardException.conflict(
              "replica "
                  + ctx.name()
                  + " no longer holds lsn "
                  + minLsn
                  + " in its log (trimmed or below its last re-copy); it cannot verify the"
                  + " session");
    }
  }

  private long epochAt(ReplicaContext.View v, long lsn) {
    if (lsn <= 0) {
      return 0;
    }
    if (lsn == v.appliedLsn()) {
      return v.lastEntryEpoch();
    }
    if (lsn == ctx.logStartLsn()) {
      return ctx.logStartEpoch();
    }
    if (lsn > v.appliedLsn() || lsn < ctx.logStartLsn()) {
      return LogMatching.NOT_HELD;
    }
    return store.epochAt(lsn).orElse(LogMatching.NOT_HELD);
  }

  private void awaitLsn(long minLsn) {
    try {
      if (!ctx.awaitApplied(minLsn, settings.minLsnWait().toMillis())) {
        throw ShardException.conflict(
            "replica "
                + ctx.name()
                + " has applied lsn "
                + ctx.appliedLsn()
                + ", not yet minLsn "
                + minLsn);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShardException.unavailable("interrupted while waiting for lsn " + minLsn);
    }
  }

  @Post("/write")
  public ShardWriteResponse write(
      @Body ShardWriteRequest request,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, request.shard(), ctx.name());
    requireExpectedOwnership(config, expectedOwned);
    if (request.data() == null) {
      throw new InvalidRequestException("missing field 'data'");
    }
    if (request.data().isEmpty()) {
      throw new InvalidRequestException("field 'data' must list at least one row");
    }
    TableSchema schema = config.schema();
    List<Map<String, Object>> rows = new ArrayList<>();
    Set<Long> keys = new HashSet<>();
    for (Map<String, Object> raw : request.data()) {
      Map<String, Object> row = schema.coerceRow(raw);
      long key = (Long) row.get(schema.shardKey());
      config.requireOwns(key);
      if (!keys.add(key)) {
        throw new InvalidRequestException(
            "field 'data' lists " + schema.shardKey() + ":" + key + " more than once");
      }
      rows.add(row);
    }
    String requestId = RequestFields.requestId(request.requestId());
    WriteCoordinator.Acked acked = coordinator.submitAcked(ClientChange.write(rows, requestId));
    Integer current = request.currIdx() == null ? null : request.currIdx() + rows.size();
    return written("Data entries added", current, acked);
  }

  @Put("/update")
  public ShardWriteResponse update(
      @Body Map<String, Object> body,
      @Header(ShardEndpoints.OWNED_HEADER) @Nullable String expectedOwned) {
    ShardConfig config = ctx.requireConfig();
    RequestFields.requireShard(config, body.get("shard"), ctx.name());
    requireExpectedOwnership(config, expectedOwned);
    String keyName = config.schema().shardKey();
    long key = ContractBodies.key(body, keyName);
    config.requireOwns(key);
    Map<String, Object> values = config.schema().coercePartialRow(ContractBodies.updateData(body));
    Object newKey = values.get(keyName);
    if (newKey != null && (Long) newKey != key) {
      throw new InvalidRequestException(
          "field 'data' changes "
              + keyName
              + " from "
              + key
              + " to "
              + newKey
              + "; the shard key cannot be updated");
    }
    String requestId = RequestFields.requestId(body.get("requestId"));
    WriteCoordinator.Acked acked =
        coordinator.submitAcked(ClientChange.update(key, values, requestId));
    return written("Data entry for " + keyName + ":" + key + " updated", null, acked);
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
    requireExpectedOwnership(config, expectedOwned);
    String keyName = config.schema().shardKey();
    long key = ContractBodies.key(body, keyName);
    config.requireOwns(key);
    String requestId = RequestFields.requestId(body.get("requestId"));
    WriteCoordinator.Acked acked = coordinator.submitAcked(ClientChange.delete(key, requestId));
    return written("Data entry with " + keyName + ":" + key + " removed", null, acked);
  }

  /**
   * 421 when the router's layout ({@link ShardEndpoints#OWNED_HEADER}) says this shard owns other
   * ranges than it does: its layout is old (or new, and this shard has not caught up), and a range
   * read would otherwise come back incomplete.
   */
  private void requireExpectedOwnership(ShardConfig config, @Nullable String expected) {
    if (expected == null) {
      return;
    }
    List<PointRange> wanted = ShardEndpoints.parseOwnedHeader(expected);
    if (!config.ownsExactly(wanted)) {
      throw new ShardException(
          ShardEndpoints.NOT_OWNED,
          "shard "
              + config.shardId()
              + " owns "
              + ShardConfig.describe(config.ownedRanges())
              + ", not "
              + ShardConfig.describe(wanted)
              + " as the request's "
              + ShardEndpoints.OWNED_HEADER
              + " says; re-read the topology");
    }
  }

  /** The reply to an acknowledged change: its position and the acknowledgements it got. */
  private ShardWriteResponse written(String message, Integer current, WriteCoordinator.Acked a) {
    return new ShardWriteResponse(
        message,
        current,
        MessageResponse.SUCCESS,
        a.lsn(),
        a.entryEpoch() > 0 ? Long.valueOf(a.entryEpoch()) : epochOf(a.lsn()),
        a.acks() > 0 ? a.acks() : null,
        a.replicas() > 0 ? a.replicas() : null);
  }

  /**
   * The epoch of the acknowledged entry at {@code lsn}, for the caller's session token (a
   * deduplicated retry may name an entry of an earlier epoch); null when no longer in the log.
   */
  private Long epochOf(long lsn) {
    return lsn <= 0 ? null : store.epochAt(lsn).orElse(null);
  }
}
