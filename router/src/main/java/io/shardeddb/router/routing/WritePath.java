package io.shardeddb.router.routing;

import io.micronaut.http.context.ServerRequestContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.lb.WriteResponse;
import io.shardeddb.protocol.logging.RequestIds;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.ShardKeys;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.shard.TxnStep;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.trace.TraceContext;
import io.shardeddb.protocol.trace.Tracing;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.shard.ShardDataCalls;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.RoutingTable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves writes, updates and deletes. Every row is validated and mapped to its shard before
 * anything is sent, so a bad row or a key outside every shard fails the whole request with nothing
 * written; so does a key named twice, even when the other rows belong to other shards. Rows are
 * grouped into one request per shard, sent to the primaries in parallel, and each shard request
 * carries a request id that stays the same across failover retries.
 *
 * <p>Why this file is over 450 lines: write, update and delete share the validation before anything
 * is sent and the request-id rules across failover retries and 421 re-routing ({@code SentIds}),
 * which are the argument that no change is applied twice; they are read together.
 */
@Singleton
public class WritePath {
  private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

  private final ShardDataCalls client;
  private final FailoverRetry retry;
  private final RouterMetrics metrics;
  private final Timestamps timestamps;
  private final Tracing tracing;

  /** A write path whose writes carry no global timestamp (tests, the simulator). */
  public WritePath(ShardDataCalls client, FailoverRetry retry, RouterMetrics metrics) {
    this(client, retry, metrics, Timestamps.NONE);
  }

  /** A write path whose every shard call carries a slot from {@code timestamps} (DESIGN §11). */
  public WritePath(
      ShardDataCalls client, FailoverRetry retry, RouterMetrics metrics, Timestamps timestamps) {
    this(client, retry, metrics, timestamps, Tracing.off());
  }

  /**
   * As above, each write traced by {@code tracing} (docs/monitoring.md, "Traces"): a span per
   * client write, named in every shard write it sends.
   */
  @jakarta.inject.Inject
  public WritePath(
      ShardDataCalls client,
      FailoverRetry retry,
      RouterMetrics metrics,
      Timestamps timestamps,
      Tracing tracing) {
    this.client = client;
    this.retry = retry;
    this.metrics = metrics;
    this.timestamps = timestamps;
    this.tracing = tracing;
  }

  /**
   * One shard's acknowledged part of a write: the replica that acknowledged it (the primary that
   * answered), its log position, and how many replicas held it when the quorum was reached out of
   * the spec's replicas ({@code acks}/{@code replicas} are null from an older shard-server); {@code
   * layout}, the generation of the layout the part was routed by (its session token carries it).
   */
  public record ShardWrite(
      String shard,
      String primary,
      Long epoch,
      Long lsn,
      Integer acks,
      Integer replicas,
      long layout,
      Long timestamp) {
    /** An acknowledgement routed by a layout of no known generation. */
    public ShardWrite(
        String shard, String primary, Long epoch, Long lsn, Integer acks, Integer replicas) {
      this(shard, primary, epoch, lsn, acks, replicas, 0, null);
    }

    /** An acknowledgement without a global timestamp (an older shard-server). */
    public ShardWrite(
        String shard,
        String primary,
        Long epoch,
        Long lsn,
        Integer acks,
        Integer replicas,
        long layout) {
      this(shard, primary, epoch, lsn, acks, replicas, layout, null);
    }

    static ShardWrite of(
        String shard, Replica primary, ShardWriteResponse r, RoutingTable planned) {
      return new ShardWrite(
          shard,
          primary.name(),
          r.epoch(),
          r.lsn(),
          r.acks(),
          r.replicas(),
          planned.topology().layoutGeneration(),
          r.timestamp());
    }
  }

  /** A write's reply, with each written shard's acknowledgement. */
  public record Written(WriteResponse response, List<ShardWrite> shards) {}

  /**
   * One shard's part of a write: acknowledged ({@code acks}, several if it was split) or failed.
   */
  private record ShardAck(String shard, int rows, List<ShardWrite> acks, ApiException failure) {}

  /**
   * Where a write comes from, as each of its shard writes names it: the router's span of it (null
   * while traces are off) and the request id the router logs the client's request under (null
   * outside an HTTP request), so the primary's log lines about the write carry that id too.
   */
  private record Origin(String traceparent, String clientRequestId) {}

  /** Rows planned for one shard, with the request id they carry. */
  private record Part(String shard, String requestId, List<Map<String, Object>> rows) {
    Part withRequestId(String id) {
      return new Part(shard, id, rows);
    }
  }

  /**
   * Which rows each (shard, request id) pair was sent in this request. A part whose rows were
   * routed again keeps its request id (the new owner may have imported them with it; the old one
   * may have applied them before its range was fenced), unless that shard already has the id for
   * other rows — acknowledged, or in flight — which it would answer with the first rows' outcome
   * without applying these: then they get a derived id. A send the shard refused with 421 frees its
   * pair (the shard applied nothing under it).
   */
  private static final class SentIds {
    private final Map<String, List<Object>> keysBySent = new ConcurrentHashMap<>();

    String idFor(String shard, String requestId, List<Object> keys) {
      String id = requestId;
      for (int n = 1; ; n++) {
        List<Object> before = keysBySent.putIfAbsent(shard + "\n" + id, keys);
        if (before == null || before.equals(keys)) {
          return id;
        }
        id = requestId + "." + n;
      }
    }

    void refused(String shard, String id, List<Object> keys) {
      keysBySent.remove(shard + "\n" + id, keys);
    }
  }

  /** Validates {@code rows}, groups them by shard and writes each group to its primary. */
  public Mono<WriteResponse> write(RoutingTable table, List<Map<String, Object>> rows) {
    return writeAcked(table, rows).map(Written::response);
  }

  /** As {@link #write}, also telling who acknowledged each shard's part and how. */
  public Mono<Written> writeAcked(RoutingTable table, List<Map<String, Object>> rows) {
    Map<String, List<Map<String, Object>>> byShard = group(table, rows);
    metrics.writeFanout(byShard.size());
    String requestId = retry.time().requestId();
    FailoverRetry.MovedBudget budget = retry.movedBudget();
    SentIds sent = new SentIds();
    Span span = writeSpan(requestId, rows.size(), byShard.size());
    Origin origin = new Origin(TraceContext.traceparent(span), RequestIds.current());
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "write of {} rows to shards {}: write id {}", rows.size(), byShard.keySet(), requestId);
    }
    return Flux.fromIterable(byShard.entrySet())
        .flatMap(
            e ->
                send(
                        new Part(e.getKey(), requestId + "/" + e.getKey(), e.getValue()),
                        table,
                        budget,
                        sent,
                        origin)
                    .map(w -> new ShardAck(e.getKey(), e.getValue().size(), w, null))
                    .onErrorResume(
                        ApiException.class, f -> Mono.just(new ShardAck(e.getKey(), 0, null, f))))
        .collectList()
        .map(this::summarise)
        .doOnError(e -> span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage())))
        .doFinally(signal -> span.end());
  }

  /**
   * The span of one client write (docs/monitoring.md, "Traces"): the router's hop, parent of the
   * primaries' write spans, and the child of the client's own span when its HTTP request carried a
   * W3C {@code traceparent} header; a no-op span while traces are off.
   */
  private Span writeSpan(String requestId, int rows, int shards) {
    if (!tracing.on()) {
      return Span.getInvalid();
    }
    String client =
        ServerRequestContext.currentRequest()
            .map(r -> r.getHeaders().get(TraceContext.HEADER))
            .orElse(null);
    return tracing
        .tracer()
        .spanBuilder("router write")
        .setParent(TraceContext.parent(client))
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("shardeddb.request_id", requestId)
        .setAttribute("shardeddb.rows", rows)
        .setAttribute("shardeddb.shards", shards)
        .startSpan();
  }

  /**
   * Writes {@code part}, planned on {@code planned}, to its shard's primary; when the shard answers
   * that the rows are not its own (421), routes them again by a newer layout (split over the shards
   * that now own them) with the same request id.
   */
  private Mono<List<ShardWrite>> send(
      Part part,
      RoutingTable planned,
      FailoverRetry.MovedBudget budget,
      SentIds sent,
      Origin origin) {
    String keyName = planned.topology().schema().shardKey();
    return retry.rerouted(
        planned,
        budget,
        t ->
            "the rows with "
                + keyName
                + " "
                + keysOf(part, keyName)
                + " ("
                + t.describe(part.shard())
                + ")",
        t -> {
          Part planning = t == planned ? part : part.withRequestId(reroutedId(part.requestId()));
          List<Part> parts = regroup(t, planning, keyName);
          if (parts.size() == 1 && parts.get(0).shard().equals(part.shard())) {
            Part p = parts.get(0);
            List<Object> keys = keys(p, keyName);
            String id = sent.idFor(p.shard(), p.requestId(), keys);
            return onPrimary(
                    p.shard(),
                    t,
                    id,
                    p.rows().size(),
                    (primary, owned, attemptId) ->
                        timestamps
                            .next()
                            .flatMap(
                                ts ->
                                    client.write(
                                        primary.url(),
                                        owned,
                                        new ShardWriteRequest(
                                            p.shard(),
                                            null,
                                            p.rows(),
                                            attemptId,
                                            stamp(ts),
                                            origin.traceparent(),
                                            planned.tableName(),
                                            origin.clientRequestId())))
                            .map(r -> ShardWrite.of(p.shard(), primary, r, t)))
                .doOnError(
                    e -> e instanceof ShardServerException s && s.notOwned(),
                    e -> sent.refused(p.shard(), id, keys))
                .map(List::of);
          }
          return Flux.fromIterable(parts)
              .flatMap(p -> send(p, t, budget, sent, origin))
              .collectList()
              .map(ws -> ws.stream().flatMap(List::stream).toList());
        });
  }

  /** A fetched slot as a request carries it: none (null) for 0. */
  private static Long stamp(long ts) {
    return ts > 0 ? ts : null;
  }

  /** {@code part}'s rows grouped by the shards that own them in {@code table}, same request id. */
  private static List<Part> regroup(RoutingTable table, Part part, String keyName) {
    Map<String, List<Map<String, Object>>> byShard = new LinkedHashMap<>();
    for (Map<String, Object> row : part.rows()) {
      Object key = ShardKeys.normalize(row.get(keyName));
      ShardTopology owner =
          table
              .shardFor(key)
              .orElseThrow(
                  () ->
                      new ApiException(
                          503,
                          "no shard owns "
                              + keyName
                              + " "
                              + key
                              + " in the current layout (version "
                              + table.version()
                              + ")"));
      byShard.computeIfAbsent(owner.id(), k -> new ArrayList<>()).add(row);
    }
    List<Part> out = new ArrayList<>();
    byShard.forEach((shard, rows) -> out.add(new Part(shard, part.requestId(), rows)));
    return out;
  }

  private static List<Object> keys(Part part, String keyName) {
    return part.rows().stream().map(r -> r.get(keyName)).toList();
  }

  /** The first few keys of a part, for messages. */
  private static String keysOf(Part part, String keyName) {
    List<Object> keys = keys(part, keyName);
    String shown = keys.stream().limit(5).map(String::valueOf).collect(Collectors.joining(", "));
    return keys.size() > 5 ? shown + ", … (" + keys.size() + " rows)" : shown;
  }

  /** Updates the row with {@code key} to the values of {@code data}. */
  public Mono<WriteResponse> update(RoutingTable table, Object rawKey, Map<String, Object> data) {
    return updateAcked(table, rawKey, data).map(Written::response);
  }

  /** As {@link #update}, also telling who acknowledged it and how. */
  public Mono<Written> updateAcked(RoutingTable table, Object rawKey, Map<String, Object> data) {
    TableSchema schema = table.topology().schema();
    Object key = schema.coerceKey(rawKey);
    Map<String, Object> row =
        DecimalWire.toShard(schema.coercePartialRow(textForStringColumns(schema, data)));
    // Key columns are Numbers or Strings, which DecimalWire leaves as they are.
    String keyChange = schema.keyChangeRefusal(key, row);
    if (keyChange != null) {
      throw new InvalidRequestException("data." + keyChange);
    }
    owner(table, key);
    return onOwner(
            table,
            key,
            (shard, primary, owned, id) ->
                timestamps
                    .next()
                    .flatMap(
                        ts ->
                            client.update(
                                primary.url(),
                                shard,
                                owned,
                                schema.shardKey(),
                                key,
                                row,
                                id,
                                ts,
                                table.tableName())))
        .map(
            w ->
                new Written(
                    new WriteResponse(
                        "Data entry for " + schema.shardKey() + ": " + key + " updated",
                        MessageResponse.SUCCESS,
                        encoded(w)),
                    List.of(w)));
  }

  /** Deletes the row with {@code key}. */
  public Mono<WriteResponse> delete(RoutingTable table, Object rawKey) {
    return deleteAcked(table, rawKey).map(Written::response);
  }

  /** As {@link #delete}, also telling who acknowledged it and how. */
  public Mono<Written> deleteAcked(RoutingTable table, Object rawKey) {
    TableSchema schema = table.topology().schema();
    Object key = schema.coerceKey(rawKey);
    owner(table, key);
    return onOwner(
            table,
            key,
            (shard, primary, owned, id) ->
                timestamps
                    .next()
                    .flatMap(
                        ts ->
                            client.delete(
                                primary.url(),
                                shard,
                                owned,
                                schema.shardKey(),
                                key,
                                id,
                                ts,
                                table.tableName())))
        .map(
            w ->
                new Written(
                    new WriteResponse(
                        "Data entry with "
                            + schema.shardKey()
                            + ":"
                            + key
                            + " removed from all replicas",
                        MessageResponse.SUCCESS,
                        encoded(w)),
                    List.of(w)));
  }

  /**
   * One row an INSERT inside a transaction writes, checked as {@code /write} checks its rows:
   * coerced to the schema, its key present (400 naming what is wrong).
   */
  public static Map<String, Object> checkedRow(TableSchema schema, Map<String, Object> raw) {
    Map<String, Object> row = schema.coerceRow(textForStringColumns(schema, raw));
    schema.keyOf(row);
    return row;
  }

  /** The values an UPDATE inside a transaction sets, checked as {@code /update} checks them. */
  public static Map<String, Object> checkedValues(
      TableSchema schema, Object key, Map<String, Object> data) {
    Map<String, Object> values = schema.coercePartialRow(textForStringColumns(schema, data));
    String keyChange = schema.keyChangeRefusal(key, values);
    if (keyChange != null) {
      throw new InvalidRequestException(keyChange);
    }
    return values;
  }

  /**
   * Commits one transaction's {@code steps} (rows as {@link #checkedRow}/{@link #checkedValues}
   * give them) on the primary of the shard that owns their keys: one {@code POST /txn}, committed
   * as one log entry or not at all, with failover retries under one request id (rule 8). When the
   * layout changed since the steps were planned, it is routed again by the new one, unless the keys
   * no longer share a shard (then 409, nothing committed). The steps may be of several tables (each
   * names its own, {@link TxnStep#table}): each key is read under its table's shard key in {@code
   * table}'s tables, and routed by value, as every table shares the layout.
   */
  public Mono<Written> txnAcked(RoutingTable table, List<TxnStep> steps) {
    io.shardeddb.protocol.schema.TableSet tables = table.topology().tableSet();
    String keyName = "key";
    List<TxnStep> wire = steps.stream().map(t -> t.mapRow(DecimalWire::toShard)).toList();
    Object first = steps.get(0).keyIn(tables);
    String requestId = retry.time().requestId();
    return retry
        .rerouted(
            table,
            retry.movedBudget(),
            t -> "the transaction's " + keyName + " " + first,
            t -> {
              String shard = owner(t, first).id();
              for (TxnStep step : steps) {
                Object key = step.keyIn(tables);
                String other = owner(t, key).id();
                if (!other.equals(shard)) {
                  throw new ApiException(
                      409,
                      "the transaction was not committed: after a layout change its keys are on"
                          + " two shards ("
                          + keyName
                          + " "
                          + first
                          + " on "
                          + shard
                          + ", "
                          + key
                          + " on "
                          + other
                          + "); nothing of it was written, run it again");
                }
              }
              return onPrimary(
                  shard,
                  t,
                  t == table ? requestId : reroutedId(requestId),
                  steps.size(),
                  (primary, owned, id) ->
                      timestamps
                          .next()
                          .flatMap(
                              ts ->
                                  client.txn(
                                      primary.url(),
                                      owned,
                                      new ShardTxnRequest(shard, wire, id, stamp(ts))))
                          .map(r -> ShardWrite.of(shard, primary, r, t)));
            })
        .map(
            w ->
                new Written(
                    new WriteResponse(
                        "Transaction committed (" + steps.size() + " changes)",
                        MessageResponse.SUCCESS,
                        encoded(w)),
                    List.of(w)));
  }

  /** Validates every row and groups them by the shard that owns each key, in key order. */
  Map<String, List<Map<String, Object>>> group(RoutingTable table, List<Map<String, Object>> rows) {
    if (rows == null || rows.isEmpty()) {
      throw new InvalidRequestException("field 'data' must be a non-empty list of rows");
    }
    TableSchema schema = table.topology().schema();
    Map<String, List<Map<String, Object>>> byShard = new LinkedHashMap<>();
    Map<Object, Integer> seen = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row;
      try {
        row = schema.coerceRow(textForStringColumns(schema, rows.get(i)));
      } catch (InvalidRequestException e) {
        throw new InvalidRequestException("data[" + i + "]: " + e.getMessage());
      }
      if (row.get(schema.shardKey()) == null) {
        // Only an AUTO_INCREMENT key may be left out, and only the SQL path generates it.
        throw new InvalidRequestException(
            "data["
                + i
                + "]: missing field '"
                + schema.shardKey()
                + "' (AUTO_INCREMENT ids are generated for SQL INSERTs: /query and the MySQL"
                + " port)");
      }
      // The row's whole key (a composite key's tuple): several rows may share a shard key.
      Object key;
      try {
        key = schema.keyOf(row);
      } catch (InvalidRequestException e) {
        throw new InvalidRequestException("data[" + i + "]: " + e.getMessage());
      }
      Integer first = seen.putIfAbsent(key, i);
      if (first != null) {
        throw new InvalidRequestException(
            "data["
                + i
                + "]: "
                + schema.shardKey()
                + " "
                + key
                + " is also in data["
                + first
                + "]; a key may appear once per request; nothing was written");
      }
      int index = i;
      ShardTopology shard =
          table
              .shardFor(key)
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "no shard holds "
                              + schema.shardKey()
                              + " "
                              + key
                              + " (data["
                              + index
                              + "]); nothing was written"));
      byShard.computeIfAbsent(shard.id(), k -> new ArrayList<>()).add(DecimalWire.toShard(row));
    }
    return byShard;
  }

  /**
   * The assignment's clients send numbers for columns declared {@code String} (its example writes
   * {@code "Stud_marks":27} with dtype String); MySQL would store their text, so the router does
   * the same. Anything else that is not text is left for the schema to refuse.
   */
  static Map<String, Object> textForStringColumns(TableSchema schema, Map<String, Object> row) {
    if (row == null) {
      return null;
    }
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> e : row.entrySet()) {
      Column c = schema.column(e.getKey());
      if (c != null
          && c.type() == ColumnType.String
          && (e.getValue() instanceof Number || e.getValue() instanceof Boolean)) {
        if (out == null) {
          out = new LinkedHashMap<>(row);
        }
        out.put(e.getKey(), String.valueOf(e.getValue()));
      }
    }
    return out == null ? row : out;
  }

  private ShardTopology owner(RoutingTable table, Object key) {
    return table
        .shardFor(key)
        .orElseThrow(
            () ->
                new ApiException(
                    404,
                    "no data entry for "
                        + table.topology().schema().shardKey()
                        + ":"
                        + key
                        + " (no shard holds this key)"));
  }

  /**
   * One call to the primary of {@code shard}, carrying the layout's {@code owned} ranges and the
   * request id of this attempt.
   */
  private interface PrimaryCall {
    Mono<ShardWriteResponse> call(String shard, Replica primary, String owned, String requestId);
  }

  /** One attempt on a primary: the ranges sent as {@code X-Shard-Owned}, the request id. */
  private interface Attempt<T> {
    Mono<T> call(Replica primary, String owned, String requestId);
  }

  /**
   * The request id a call routed again after a 421 carries: the same one (the new owner may have
   * imported the change with it). Only the simulator's mutations override it (a fresh id, which
   * must turn the simulator red: docs/safety.md).
   */
  protected String reroutedId(String requestId) {
    return requestId;
  }

  /**
   * The request id a failover retry carries: the same one (the shard-servers deduplicate by it,
   * DESIGN §5 rule 8). Only the simulator's mutations override it.
   */
  protected String retriedId(String requestId) {
    return requestId;
  }

  /**
   * Runs {@code call} on the primary of the shard that owns {@code key}, routing it again by a
   * newer layout when that shard answers that the key is no longer its own (421); same request id.
   */
  private Mono<ShardWrite> onOwner(RoutingTable table, Object key, PrimaryCall call) {
    String keyName = table.topology().schema().shardKey();
    String requestId = retry.time().requestId();
    return retry.rerouted(
        table,
        retry.movedBudget(),
        t ->
            keyName
                + " "
                + key
                + t.shardFor(key).map(s -> " (" + t.describe(s.id()) + ")").orElse(""),
        t -> {
          String shard = owner(t, key).id();
          return onPrimary(
              shard,
              t,
              t == table ? requestId : reroutedId(requestId),
              1,
              (primary, owned, id) ->
                  call.call(shard, primary, owned, id)
                      .map(r -> ShardWrite.of(shard, primary, r, t)));
        });
  }

  /**
   * Runs {@code call} on the shard's current primary with failover retries, sending the ranges
   * {@code planned} (the layout the call was routed by) gives the shard; a shard-server's
   * non-retriable answer (404 missing key, 400) becomes the router's answer, except a 421 (the
   * layout is old), which the caller routes again. An acknowledged call of {@code rows} rows is
   * counted in the shard's write meters with the time from its first attempt.
   */
  private <T> Mono<T> onPrimary(
      String shardId, RoutingTable planned, String requestId, int rows, Attempt<T> call) {
    String owned = planned.ownedHeader(shardId);
    int[] attempts = {0};
    long[] started = {0};
    return retry
        .run(
            "shard " + shardId,
            table -> {
              ShardTopology shard =
                  table
                      .topology()
                      .shard(shardId)
                      .orElseThrow(
                          () ->
                              // Gone from the layout: its ranges moved, route the call again.
                              new ShardServerException(
                                  "",
                                  ShardEndpoints.NOT_OWNED,
                                  "shard " + shardId + " is no longer in the layout"));
              Replica primary =
                  shard
                      .primaryReplica()
                      .orElseThrow(
                          () ->
                              new ShardServerException(
                                  "", 503, "shard " + shardId + " has no primary"));
              return call.call(
                  primary, owned, attempts[0]++ == 0 ? requestId : retriedId(requestId));
            })
        .doOnSubscribe(x -> started[0] = retry.time().nanos())
        .doOnNext(x -> metrics.shardWrite(shardId, rows, retry.time().nanos() - started[0]))
        .onErrorMap(
            e -> e instanceof ShardServerException s && !s.notOwned(),
            e -> {
              ShardServerException s = (ShardServerException) e;
              return new ApiException(s.status(), s.getMessage());
            });
  }

  private Written summarise(List<ShardAck> acks) {
    int written = 0;
    SessionToken token = SessionToken.empty();
    List<ApiException> failures = new ArrayList<>();
    List<ShardWrite> shards = new ArrayList<>();
    for (ShardAck a : acks) {
      written += a.rows();
      if (a.acks() != null) {
        for (ShardWrite w : a.acks()) {
          shards.add(w);
          if (w.lsn() != null) {
            token = token.merge(token(w));
          }
        }
      }
      if (a.failure() != null) {
        failures.add(a.failure());
      }
    }
    if (!failures.isEmpty()) {
      int status = failures.stream().mapToInt(ApiException::status).max().orElse(503);
      StringBuilder msg = new StringBuilder(written + " Data entries added; ");
      for (int i = 0; i < acks.size(); i++) {
        ShardAck a = acks.get(i);
        if (a.failure() != null) {
          msg.append("shard ").append(a.shard()).append(" failed: ");
          msg.append(a.failure().getMessage()).append("; ");
        }
      }
      throw new WriteFailed(status, msg.substring(0, msg.length() - 2), written);
    }
    String session = token.byShard().isEmpty() ? null : token.encode();
    return new Written(
        new WriteResponse(written + " Data entries added", MessageResponse.SUCCESS, session),
        List.copyOf(shards));
  }

  /** A write that failed on some shard, and how many of its rows other shards took. */
  public static final class WriteFailed extends ApiException {
    private final int written;

    WriteFailed(int status, String message, int written) {
      super(status, message);
      this.written = written;
    }

    /** Rows other shards took (0: nothing of the write was stored). */
    public int written() {
      return written;
    }
  }

  /**
   * The session token of one acknowledged part: its shard's position and the generation of the
   * layout it was routed by (a router whose layout is older must not trust its own routing for the
   * session: {@code ReadPath}).
   */
  private static SessionToken token(ShardWrite w) {
    return SessionToken.of(w.shard(), w.epoch() == null ? 0 : w.epoch(), w.lsn(), w.layout());
  }

  private static String encoded(ShardWrite w) {
    return w.lsn() == null ? null : token(w).encode();
  }
}
