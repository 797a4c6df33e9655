package io.shardeddb.router.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in shard-server primary on a loopback port, enough for the router's data path: it stores
 * rows in memory, pages range reads ({@code pageSize} rows a page, in key order, only rows whose
 * point it owns), acknowledges a write whose request id it has applied without applying it again,
 * and checks ownership as docs/resharding.md says a real one does — 421 when the request's {@code
 * X-Shard-Owned} is not what it owns or a key's point is not its own. It records every request
 * (path, owned header, request id; the keys of a write, or the low key of each item of a {@code
 * /read/batch}) for the tests to check. Its {@code /heartbeat} says Ready at LSN {@link
 * #heartbeatLsn} (1), epoch 1.
 */
public final class FakeShardServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  record Seen(String path, String owned, String requestId, List<Long> keys) {}

  private final HttpServer server;
  private final String keyName;
  private final Sharding sharding;
  private final int pageSize;
  private volatile List<PointRange> owned;
  final NavigableMap<Long, Map<String, Object>> rows = new ConcurrentSkipListMap<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final Set<String> applied = ConcurrentHashMap.newKeySet();
  private volatile int hookRead;
  private volatile Runnable hook;
  private volatile int failReadsFrom = Integer.MAX_VALUE;
  private volatile boolean batches;
  private volatile CountDownLatch holdFirstRead;
  private volatile boolean refuseDuplicates;

  /** The next slot its {@code /timestamps} hands out (0: the endpoint is not served, 404). */
  private final java.util.concurrent.atomic.AtomicLong nextSlot =
      new java.util.concurrent.atomic.AtomicLong();

  /** The LSN its {@code /heartbeat} reports (1 unless a test sets another). */
  volatile long heartbeatLsn = 1;

  /** The body of each {@code /read}, and each item of each {@code /read/batch}, it received. */
  final List<JsonNode> readBodies = new CopyOnWriteArrayList<>();

  /** The {@code timestamp} of each {@code /write}, {@code /update}, {@code /del} it was sent. */
  final List<Long> timestamps = new CopyOnWriteArrayList<>();

  /**
   * The tables other than the first it holds (issue 46): their rows and shard keys, by name. A
   * request naming one ({@code "table"}) is of it; one naming another table is a 404, as on a real
   * shard-server.
   */
  private final Map<String, NavigableMap<Long, Map<String, Object>>> tableRows =
      new ConcurrentHashMap<>();

  private final Map<String, String> tableKeys = new ConcurrentHashMap<>();

  /** The {@code "table"} of each data request it received, as {@code path table} ("-": none). */
  public final List<String> tablesSeen = new CopyOnWriteArrayList<>();

  /** Holds table {@code name} (not the first) from now on, sharded by {@code key}. */
  public void holdTable(String name, String key) {
    tableRows.put(name, new ConcurrentSkipListMap<>());
    tableKeys.put(name, key);
  }

  /** The rows of table {@code name} (null: the first), by key. */
  public NavigableMap<Long, Map<String, Object>> rowsOf(String name) {
    return name == null ? rows : tableRows.get(name);
  }

  /** The rows a request is of: its table's. */
  private NavigableMap<Long, Map<String, Object>> rowsFor(JsonNode body) {
    String table = text(body.get("table"));
    return table == null ? rows : tableRows.get(table);
  }

  /** The shard key of the table a request is of. */
  private String keyFor(JsonNode body) {
    String table = text(body.get("table"));
    return table == null ? keyName : tableKeys.get(table);
  }

  /** The {@code traceparent} of each {@code /write} it was sent ("" when none). */
  final List<String> traceparents = new CopyOnWriteArrayList<>();

  public FakeShardServer(String keyName, Sharding sharding, int pageSize, List<PointRange> owned)
      throws IOException {
    this.keyName = keyName;
    this.sharding = sharding;
    this.pageSize = pageSize;
    this.owned = PointRange.normalize(owned);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** What the shard owns from now on (a move's fence or adopt). */
  void own(List<PointRange> ranges) {
    this.owned = PointRange.normalize(ranges);
  }

  /** Runs {@code action} when the {@code n}-th {@code /read} arrives, before answering it. */
  void beforeRead(int n, Runnable action) {
    this.hookRead = n;
    this.hook = action;
  }

  /**
   * From the {@code n}-th {@code /read} on, answers every read 503 (the shard became unavailable
   * part-way through a paged read).
   */
  void failReadsFrom(int n) {
    this.failReadsFrom = n;
  }

  /**
   * Answers {@code /read/batch} from now on (one result per item, as {@code /read} would), instead
   * of 404 as a shard-server from before the batch endpoints does.
   */
  void answerBatches() {
    this.batches = true;
  }

  /**
   * Answers 409 to a {@code /write} of a key it holds, as a real shard-server does, instead of
   * replacing the row.
   */
  /** Serves {@code POST /timestamps} (the oracle), handing out slots from {@code first}. */
  public void servesTimestamps(long first) {
    nextSlot.set(first);
  }

  public void refuseDuplicates() {
    this.refuseDuplicates = true;
  }

  /** Holds the first {@code /read} (plain or batch) until {@code release} opens. */
  void holdFirstRead(CountDownLatch release) {
    this.holdFirstRead = release;
  }

  /** How many requests to {@code path} arrived. */
  public long callsTo(String path) {
    return seen.stream().filter(x -> x.path().equals(path)).count();
  }

  /** How many {@code /read} requests arrived, answered or failed. */
  int readsReceived() {
    return reads.get();
  }

  /** The stored keys, ascending. */
  public List<Long> keys() {
    return List.copyOf(rows.keySet());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String header = ex.getRequestHeaders().getFirst(ShardEndpoints.OWNED_HEADER);
      byte[] raw = ex.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
      if (path.equals("/heartbeat")) {
        ObjectNode hb = JSON.createObjectNode();
        hb.put("name", url());
        hb.put("role", "Secondary");
        hb.put("epoch", 1);
        hb.put("appliedLsn", heartbeatLsn);
        hb.put("lastEntryEpoch", 1);
        hb.put("lagLsn", 0);
        hb.put("state", "Ready");
        reply(ex, 200, hb);
        return;
      }
      if (path.equals("/timestamps") && nextSlot.get() > 0 && body != null) {
        int count = body.get("count").asInt();
        ObjectNode answer = JSON.createObjectNode();
        answer.put("first", nextSlot.getAndAdd(count * 4096L));
        answer.put("count", count);
        answer.put("epoch", 1);
        reply(ex, 200, answer);
        return;
      }
      if (path.matches("/(write|update|del)") && body != null) {
        JsonNode ts = body.get("timestamp");
        timestamps.add(ts == null ? 0L : ts.asLong());
        if (path.equals("/write")) {
          JsonNode tp = body.get("traceparent");
          traceparents.add(tp == null ? "" : tp.asText());
        }
      }
      if (path.equals(ShardEndpoints.READ_EXPLAIN) && body != null) {
        String table = text(body.get("table"));
        tablesSeen.add(path + " " + (table == null ? "-" : table));
        reply(ex, 200, explained(body));
        return;
      }
      boolean batch = batches && path.equals("/read/batch");
      if (body == null || !(batch || path.matches("/(read|write|update|del|txn)"))) {
        reply(ex, 404, message("no such endpoint " + path));
        return;
      }
      if (path.matches("/(read|write|update|del)")) {
        String table = text(body.get("table"));
        tablesSeen.add(path + " " + (table == null ? "-" : table));
        if (table != null && !tableRows.containsKey(table)) {
          reply(ex, 404, message("table " + table + " does not exist"));
          return;
        }
      }
      int read = path.startsWith("/read") ? reads.incrementAndGet() : 0;
      CountDownLatch hold = holdFirstRead;
      if (read == 1 && hold != null) {
        awaitRelease(hold);
      }
      if (read != 0 && read == hookRead && hook != null) {
        hook.run();
      }
      if (read >= failReadsFrom) {
        reply(ex, 503, message("unavailable"));
        return;
      }
      List<Long> keys = keysOf(path, body);
      seen.add(new Seen(path, header, text(body.get("requestId")), keys));
      if (path.equals("/read")) {
        readBodies.add(body);
      } else if (path.equals("/read/batch")) {
        body.get("reads").forEach(readBodies::add);
      }
      List<PointRange> mine = owned;
      if (header != null && !ShardEndpoints.parseOwnedHeader(header).equals(mine)) {
        reply(
            ex,
            ShardEndpoints.NOT_OWNED,
            message("the router's layout says " + header + "; this shard owns " + mine));
        return;
      }
      for (long key : keys) {
        if (!PointRange.anyContains(mine, sharding.point(key))) {
          reply(ex, ShardEndpoints.NOT_OWNED, message("key " + key + " is not owned here"));
          return;
        }
      }
      switch (path) {
        case "/read" -> reply(ex, 200, page(body, mine));
        case "/read/batch" -> {
          ArrayNode results = JSON.createArrayNode();
          for (JsonNode item : body.get("reads")) {
            ObjectNode result = results.addObject();
            result.put("status", 200);
            result.set("response", page(item, mine));
          }
          ObjectNode out = JSON.createObjectNode();
          out.set("results", results);
          reply(ex, 200, out);
        }
        case "/write" -> {
          // Like a real shard-server: a request id seen before is acknowledged, not applied again.
          String id = text(body.get("requestId"));
          if (id != null && !applied.add(id)) {
            reply(ex, 200, written("duplicate of " + id));
            return;
          }
          NavigableMap<Long, Map<String, Object>> store = rowsFor(body);
          String key = keyFor(body);
          if (refuseDuplicates) {
            for (JsonNode row : body.get("data")) {
              if (store.containsKey(row.get(key).asLong())) {
                reply(
                    ex,
                    409,
                    message("Data entry with " + key + ":" + row.get(key) + " already exists"));
                return;
              }
            }
          }
          for (JsonNode row : body.get("data")) {
            store.put(row.get(key).asLong(), JSON.convertValue(row, Map.class));
          }
          reply(ex, 200, written(body.get("data").size() + " Data entries added"));
        }
        case "/txn" -> {
          // As a real shard-server: every step checked as if those before it had applied, the
          // whole refused on the first that cannot (nothing of it stored), a request id once.
          String id = text(body.get("requestId"));
          if (id != null && !applied.add(id)) {
            reply(ex, 200, written("duplicate of " + id));
            return;
          }
          // Each step of its own table ("table"; none: the first), every table's rows apart.
          Map<String, java.util.TreeMap<Long, Map<String, Object>>> afterOf =
              new java.util.HashMap<>();
          for (JsonNode step : body.get("steps")) {
            String op = step.get("op").asText();
            String stepTable = text(step.get("table"));
            if (stepTable != null && !tableRows.containsKey(stepTable)) {
              if (id != null) {
                applied.remove(id);
              }
              reply(ex, 404, message("table " + stepTable + " does not exist"));
              return;
            }
            String stepKey = stepTable == null ? keyName : tableKeys.get(stepTable);
            java.util.TreeMap<Long, Map<String, Object>> after =
                afterOf.computeIfAbsent(
                    stepTable == null ? "" : stepTable,
                    t -> new java.util.TreeMap<>(t.isEmpty() ? rows : tableRows.get(t)));
            long key =
                op.equals("Write")
                    ? step.get("row").get(stepKey).asLong()
                    : step.get("key").asLong();
            Map<String, Object> row =
                step.has("row") ? JSON.convertValue(step.get("row"), Map.class) : null;
            boolean held = after.containsKey(key);
            if (op.equals("Write") ? held : !held) {
              if (id != null) {
                applied.remove(id);
              }
              reply(
                  ex,
                  held ? 409 : 404,
                  message(
                      held
                          ? "Data entry with " + stepKey + ":" + key + " already exists"
                          : "No data entry with " + stepKey + ":" + key));
              return;
            }
            switch (op) {
              case "Write" -> after.put(key, row);
              case "Update" -> after.put(key, merged(after.get(key), row));
              default -> after.remove(key);
            }
          }
          afterOf.forEach(
              (t, after) -> {
                Map<Long, Map<String, Object>> target = t.isEmpty() ? rows : tableRows.get(t);
                target.clear();
                target.putAll(after);
              });
          reply(ex, 200, written("Transaction committed"));
        }
        case "/update" -> {
          long key = body.get(keyFor(body)).asLong();
          Map<String, Object> changes = JSON.convertValue(body.get("data"), Map.class);
          // As a real shard-server: the columns the update names change, the others stay.
          if (rowsFor(body).computeIfPresent(key, (k, row) -> merged(row, changes)) == null) {
            reply(ex, 404, message("no row " + key));
          } else {
            reply(ex, 200, written("updated"));
          }
        }
        default -> {
          long key = body.get(keyFor(body)).asLong();
          if (rowsFor(body).remove(key) == null) {
            reply(ex, 404, message("no row " + key));
          } else {
            reply(ex, 200, written("removed"));
          }
        }
      }
    }
  }

  private List<Long> keysOf(String path, JsonNode body) {
    List<Long> keys = new ArrayList<>();
    String keyName = keyFor(body);
    if (path.equals("/write")) {
      body.get("data").forEach(r -> keys.add(r.get(keyName).asLong()));
    } else if (path.equals("/txn")) {
      body.get("steps")
          .forEach(
              t ->
                  keys.add(
                      t.has("key") ? t.get("key").asLong() : t.get("row").get(keyFor(t)).asLong()));
    } else if (path.equals("/read/batch")) {
      body.get("reads").forEach(r -> keys.add(r.get(keyFor(r)).get("low").asLong()));
    } else if (!path.equals("/read")) {
      keys.add(body.get(keyName).asLong());
    }
    return keys;
  }

  private static void awaitRelease(CountDownLatch release) {
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The columns a stand-in gives of a filter on them an index ({@code /read/explain} names it as
   * {@code by_<column>}), as a shard-server's MariaDB would.
   */
  public final Set<String> indexed = ConcurrentHashMap.newKeySet();

  /**
   * What {@code /read/explain} of {@code body} answers: a plan in MariaDB's columns, as MariaDB
   * would choose it — one key by the primary key, a filter on an {@link #indexed} column by its
   * index, a filter on another column by reading every row of the range, none (or one on the key)
   * by the primary key's range.
   */
  private ObjectNode explained(JsonNode body) {
    String keyName = keyFor(body);
    long low = body.get(keyName).get("low").asLong();
    long high = body.get(keyName).get("high").asLong();
    JsonNode filter = body.get("filter");
    String column = filter == null ? null : text(filter.get("column"));
    ObjectNode row = JSON.createObjectNode();
    row.put("id", 1);
    row.put("select_type", "SIMPLE");
    row.put("table", "u_" + (text(body.get("table")) == null ? "first" : text(body.get("table"))));
    if (low == high) {
      row.put("type", "const").put("possible_keys", "PRIMARY").put("key", "PRIMARY");
      row.put("rows", 1).putNull("Extra");
    } else if (column != null && indexed.contains(column)) {
      row.put("type", "ref").put("possible_keys", "PRIMARY,by_" + column);
      row.put("key", "by_" + column).put("rows", 1).put("Extra", "Using where; Using filesort");
    } else if (filter != null && !keyName.equals(column)) {
      row.put("type", "ALL").put("possible_keys", "PRIMARY").putNull("key");
      row.put("rows", rowsFor(body).size()).put("Extra", "Using where");
    } else {
      row.put("type", "range").put("possible_keys", "PRIMARY").put("key", "PRIMARY");
      row.put("rows", rowsFor(body).size()).put("Extra", "Using where");
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("plan", JSON.createArrayNode().add(row));
    out.put("sql", "SELECT … (a stand-in shard's)");
    out.put("status", "success");
    return out;
  }

  /** The page {@code /read} of {@code body} answers. */
  private ObjectNode page(JsonNode body, List<PointRange> mine) {
    String keyName = keyFor(body);
    long low = body.get(keyName).get("low").asLong();
    long high = body.get(keyName).get("high").asLong();
    List<Object> page = new ArrayList<>();
    Long next = null;
    for (Map.Entry<Long, Map<String, Object>> e :
        rowsFor(body).subMap(low, true, high, true).entrySet()) {
      if (!PointRange.anyContains(mine, sharding.point(e.getKey()))) {
        continue;
      }
      if (page.size() == pageSize) {
        next = e.getKey();
        break;
      }
      page.add(e.getValue());
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("data", JSON.valueToTree(page));
    out.put("status", "success");
    out.put("lsn", 1);
    out.put("epoch", 1);
    if (next != null) {
      out.put("next", next);
    }
    return out;
  }

  private static Map<String, Object> merged(Map<String, Object> row, Map<String, Object> changes) {
    Map<String, Object> out = new java.util.LinkedHashMap<>(row);
    out.putAll(changes);
    return out;
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static ObjectNode message(String m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("message", m);
    n.put("status", "failure");
    return n;
  }

  private static ObjectNode written(String m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("message", m);
    n.put("status", "success");
    n.put("lsn", 1);
    n.put("epoch", 1);
    return n;
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
