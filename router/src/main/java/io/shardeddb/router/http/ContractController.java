package io.shardeddb.router.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.ContractBodies;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.KeyRange;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.ReadResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.lb.WriteRequest;
import io.shardeddb.protocol.lb.WriteResponse;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.admin.ClusterAdmin;
import io.shardeddb.router.admin.HashStatus;
import io.shardeddb.router.admin.Layout;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.routing.ReadBound;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The assignment's load-balancer API, drop-in: same paths, methods, JSON shapes, messages and
 * status codes. Bodies are parsed here against the current schema (the shard key's name comes from
 * it); the work is done without blocking by the read and write paths and the admin.
 */
@Controller
@Tag(name = "contract", description = "The assignment's load-balancer API")
public class ContractController {
  private final TopologyHolder topology;
  private final ReadPath reads;
  private final WritePath writes;
  private final ClusterAdmin admin;
  private final JsonBodies bodies;
  private final JsonMapper jsonMapper;
  private final RouterSettings.Reads readDefaults;

  public ContractController(
      TopologyHolder topology,
      ReadPath reads,
      WritePath writes,
      ClusterAdmin admin,
      JsonBodies bodies,
      JsonMapper jsonMapper,
      RouterSettings settings) {
    this.readDefaults = settings.reads();
    this.topology = topology;
    this.reads = reads;
    this.writes = writes;
    this.admin = admin;
    this.bodies = bodies;
    this.jsonMapper = jsonMapper;
  }

  /**
   * The assignment's load balancer answers {@code GET /test} and {@code GET /favicon.ico} with an
   * empty 204, so its clients and browsers probing it get no error; open, and reveal nothing.
   */
  @Get("/test")
  @Operation(summary = "An empty answer (204), as the assignment's load balancer gives")
  public HttpResponse<Void> test() {
    return HttpResponse.noContent();
  }

  @Get("/favicon.ico")
  @Hidden
  public HttpResponse<Void> favicon() {
    return HttpResponse.noContent();
  }

  @Post("/init")
  @Operation(summary = "Configure the schema, the shards and the servers holding them")
  @RequestBody(content = @Content(schema = @Schema(implementation = DatabaseConfig.class)))
  public CompletableFuture<MessageResponse> init(@Body @Nullable String body) {
    return admin.init(bodies.typed(body, DatabaseConfig.class));
  }

  @Get("/status")
  @Operation(
      summary = "The configuration, in the /init shape",
      description = "A Hash-sharded database adds \"sharding\":\"Hash\".")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = DatabaseConfig.class)))
  public Object status() {
    Topology t = topology.current().topology();
    DatabaseConfig config = Layout.statusOf(t);
    return t.sharding() == Sharding.Hash ? HashStatus.of(config) : config;
  }

  @Post("/add")
  @Operation(summary = "Add servers (and optionally new shards)")
  @RequestBody(content = @Content(schema = @Schema(implementation = AddRequest.class)))
  public CompletableFuture<AddResponse> add(@Body @Nullable String body) {
    return admin.add(bodies.typed(body, AddRequest.class));
  }

  @Delete("/rm")
  @Operation(summary = "Remove n servers, the listed ones first")
  @RequestBody(content = @Content(schema = @Schema(implementation = RemoveRequest.class)))
  public CompletableFuture<RemoveResponse> remove(@Body @Nullable String body) {
    return admin.remove(bodies.typed(body, RemoveRequest.class));
  }

  /**
   * Also serves {@code GET /read} with a body, which {@link GetReadWithBody} turns into a POST. A
   * result that fits in one page per shard goes out as one JSON document; a larger one is streamed
   * (chunked) in the same shape, page by page, so no process holds the whole range. The response
   * (status and headers) is built only once every shard answered its first page, so a shard's
   * failure until then (409, 503, ...) is the status, asynchronous or not; after that the status is
   * sent and a failing shard can only cut the body short.
   */
  @Post(value = "/read", produces = MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Read a key range: {\"<shardKey>\":{\"low\":..,\"high\":..}}",
      description =
          "Optional \"consistency\": primary | session | any | bounded (default: the"
              + " database's spec.router.reads, primary unless set), \"maxStalenessMs\" for"
              + " bounded, and \"session\". GET with the same body is accepted too.")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = ReadResponse.class)))
  public Mono<HttpResponse<byte[]>> read(HttpRequest<?> request, @Body @Nullable byte[] body) {
    return doRead(body, request.getCharacterEncoding());
  }

  /**
   * The body is taken as bytes and parsed once ({@link JsonBodies#object(byte[], Charset)}); the
   * reply is encoded here, so it goes out as one document with its {@code Content-Length}.
   */
  @Post(value = "/write", produces = MediaType.APPLICATION_JSON)
  @Operation(summary = "Write rows; each goes to the primary of the shard that owns its key")
  @RequestBody(content = @Content(schema = @Schema(implementation = WriteRequest.class)))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = WriteResponse.class)))
  public Mono<HttpResponse<byte[]>> write(HttpRequest<?> request, @Body @Nullable byte[] body) {
    RoutingTable table = initialized();
    Map<String, Object> req = bodies.object(body, request.getCharacterEncoding());
    onlyFields(req, List.of("data"));
    return writes.write(table, rows(req.get("data"))).map(w -> document(json(w)));
  }

  @Put("/update")
  @Operation(summary = "Replace the values of the row with the given key")
  public Mono<WriteResponse> update(@Body @Nullable String body) {
    RoutingTable table = initialized();
    Map<String, Object> req = bodies.object(body);
    String key = table.topology().schema().shardKey();
    onlyFields(req, List.of(key, "data"));
    ContractBodies.key(req, table.topology().schema());
    return writes.update(table, req.get(key), ContractBodies.updateData(req));
  }

  @Delete("/del")
  @Operation(summary = "Delete the row with the given key from every replica")
  public Mono<WriteResponse> delete(@Body @Nullable String body) {
    RoutingTable table = initialized();
    Map<String, Object> req = bodies.object(body);
    String key = table.topology().schema().shardKey();
    onlyFields(req, List.of(key));
    return writes.delete(table, ContractBodies.key(req, table.topology().schema()));
  }

  private Mono<HttpResponse<byte[]>> doRead(byte[] body, Charset charset) {
    RoutingTable table = initialized();
    Map<String, Object> req = bodies.object(body, charset);
    String key = table.topology().schema().shardKey();
    onlyFields(req, List.of(key, "consistency", "session", "maxStalenessMs"));
    if (table.topology().schema().hasStringKey()) {
      throw new InvalidRequestException(
          "/read reads a range of Number keys; "
              + key
              + " is a String key (rows lie by its hash): read them with SELECT on /query or the"
              + " MySQL port");
    }
    KeyRange range = ContractBodies.range(req, key);
    // No consistency named: the database's default (spec.router.reads, docs/router.md).
    ReadConsistency consistency = readDefaults.consistencyOf(req.get("consistency"));
    long bound = readDefaults.boundOf(req.get("maxStalenessMs"), consistency);
    SessionToken session = session(req.get("session"));
    // Nothing is sent before every shard answered its first page: the Mono fails until then, so
    // the error handlers answer with the shard's status. After that a failing shard cuts the
    // streamed body short (never a short 200 body that looks complete).
    return ReadBound.within(reads.read(table, range, consistency, session), bound)
        .flatMap(r -> r.complete() ? whole(r).map(ContractController::document) : streamed(r));
  }

  /** One whole JSON document: written with its {@code Content-Length}, never chunked. */
  private static HttpResponse<byte[]> document(byte[] json) {
    return HttpResponse.ok(json).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /**
   * A response whose body is {@code pieces}, written one after the other as they come. It is
   * declared as bytes so that Micronaut writes each piece as it is (the route's body type decides;
   * a publisher of any other declared type would be written as a JSON array of its pieces).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static HttpResponse<byte[]> rawBody(Flux<byte[]> pieces) {
    return (HttpResponse) HttpResponse.ok(pieces).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /**
   * The largest position a session token may name: 2^53 − 1, the largest integer every JSON client
   * reads exactly. An LSN or epoch grows by one per write or election, so a token beyond it was not
   * issued by any shard.
   */
  static final long MAX_SESSION_POSITION = (1L << 53) - 1;

  /** The {@code session} field as a token; 400 naming the field when it is not one a shard gave. */
  static SessionToken session(Object field) {
    if (field != null && !(field instanceof String)) {
      throw new InvalidRequestException("field 'session' must be a string token");
    }
    SessionToken token;
    try {
      token = SessionToken.parse((String) field);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("field 'session': " + e.getMessage());
    }
    token
        .byShard()
        .forEach(
            (shard, p) -> {
              if (shard.isEmpty()
                  || p.lsn() > MAX_SESSION_POSITION
                  || p.epoch() > MAX_SESSION_POSITION) {
                throw new InvalidRequestException(
                    "field 'session': shard '"
                        + (shard.length() > 63 ? shard.substring(0, 63) + "..." : shard)
                        + "' at lsn "
                        + p.lsn()
                        + ", epoch "
                        + p.epoch()
                        + " is out of range (a token a write returned names a shard and"
                        + " positions of at most "
                        + MAX_SESSION_POSITION
                        + ")");
              }
            });
    if (token.layout() > MAX_SESSION_POSITION) {
      throw new InvalidRequestException(
          "field 'session': layout generation "
              + token.layout()
              + " is out of range (a token a write returned carries one of at most "
              + MAX_SESSION_POSITION
              + ")");
    }
    return token;
  }

  /** A small result: the rows are all here; one document, exactly as a {@link ReadResponse}. */
  private Mono<byte[]> whole(ReadPath.RangeRead read) {
    return read.pages()
        .collectList()
        .map(
            pages -> {
              List<Map<String, Object>> rows = new ArrayList<>();
              pages.forEach(rows::addAll);
              return json(new ReadResponse(read.shardsQueried(), rows, MessageResponse.SUCCESS));
            });
  }

  /**
   * A large result: the {@link ReadResponse} shape written a page at a time (chunked, no {@code
   * Content-Length}: its size is not known before the last page).
   */
  private Mono<HttpResponse<byte[]>> streamed(ReadPath.RangeRead read) {
    boolean[] first = {true};
    return Mono.just(
        rawBody(
            Flux.concat(
                Mono.fromCallable(
                    () -> bytes("{\"shards_queried\":", json(read.shardsQueried()), ",\"data\":[")),
                read.pages()
                    .filter(page -> !page.isEmpty())
                    .map(
                        page -> {
                          ByteArrayOutputStream out = new ByteArrayOutputStream();
                          for (Map<String, Object> row : page) {
                            if (!first[0]) {
                              out.write(',');
                            }
                            first[0] = false;
                            out.writeBytes(json(row));
                          }
                          return out.toByteArray();
                        }),
                Mono.fromCallable(
                    () -> bytes("],\"status\":", json(MessageResponse.SUCCESS), "}")))));
  }

  private byte[] json(Object value) {
    try {
      return jsonMapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String head, byte[] middle, String tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private RoutingTable initialized() {
    RoutingTable table = topology.current();
    if (!table.initialized()) {
      throw new ApiException(409, "database is not configured yet; call /init first");
    }
    return table;
  }

  private static void onlyFields(Map<String, Object> body, List<String> allowed) {
    for (String field : body.keySet()) {
      if (!allowed.contains(field)) {
        throw new InvalidRequestException(
            "unknown field '" + field + "' (expected " + String.join(", ", allowed) + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Object data) {
    if (data == null) {
      throw new InvalidRequestException("missing field 'data'");
    }
    if (!(data instanceof List<?> list)) {
      throw new InvalidRequestException("field 'data' must be a list of rows");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> row)) {
        throw new InvalidRequestException("data[" + i + "] must be a JSON object");
      }
      rows.add((Map<String, Object>) row);
    }
    return rows;
  }
}
