package io.shardeddb.router.sql;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.router.auth.RouterTokens;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.http.Failure;
import io.shardeddb.router.http.JsonBodies;
import io.shardeddb.router.routing.ReadBound;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.topology.TopologyHolder;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The distributed-MySQL coordinator's API on the router: {@code POST /query} runs one SQL statement
 * through the same read and write paths as the contract's endpoints, and {@code GET /query/status}
 * shows the coordinator's status shape. Every failure answers in the query reply's shape ({@code
 * success: false}) with a 4xx for anything the client can fix, never a stack trace.
 */
@Controller
@Tag(name = "sql", description = "The SQL endpoint of the distributed-MySQL coordinator")
public class QueryController {
  private static final Logger LOG = LoggerFactory.getLogger(QueryController.class);
  private static final List<String> FIELDS =
      List.of("query", "consistency", "session", "maxStalenessMs");

  private final TopologyHolder topology;
  private final SqlStatements statements;
  private final JsonBodies bodies;
  private final RouterMetrics metrics;
  private final ReplicaHealth health;
  private final PrimaryHistory history;
  private final RouterSettings.Reads readDefaults;

  /** The credential {@code /query} takes: the data token (AuthFilter), whose scans are capped. */
  private final String credential;

  public QueryController(
      TopologyHolder topology,
      SqlStatements statements,
      JsonBodies bodies,
      RouterMetrics metrics,
      ReplicaHealth health,
      PrimaryHistory history,
      RouterTokens tokens,
      RouterSettings settings) {
    this.readDefaults = settings.reads();
    this.credential = tokens.data().name();
    this.topology = topology;
    this.statements = statements;
    this.bodies = bodies;
    this.metrics = metrics;
    this.health = health;
    this.history = history;
  }

  @Post("/query")
  @Operation(
      summary = "Run one SQL statement: {\"query\": \"...\"}",
      description =
          "SELECT (WHERE on any column; the shard key's =, IN, ranges and BETWEEN choose the"
              + " shards, the other conditions are evaluated on the shards; ORDER BY,"
              + " LIMIT/OFFSET, COUNT(*)), INSERT ... VALUES (one or many rows),"
              + " UPDATE ... SET col = literal WHERE ..., DELETE ... WHERE ... on the database's"
              + " table. Optional \"consistency\" (primary | session | any | bounded, with"
              + " \"maxStalenessMs\"; default: the database's spec.router.reads) and \"session\""
              + " apply to SELECT as for /read. A write's \"quorum\" a/b is the replicas that held it"
              + " when its primary acknowledged it out of the shard's replicas (the"
              + " least-acknowledged shard's); \"executed_on\" names, per shard, the primary that"
              + " acknowledged a write or the replica that served a read. Anything else answers"
              + " 400 naming what is not supported. See docs/sql.md.")
  @RequestBody(content = @Content(schema = @Schema(implementation = QueryRequest.class)))
  @ApiResponse(
      responseCode = "200",
      description = "The statement ran",
      content = @Content(schema = @Schema(implementation = QueryResponse.class)))
  @ApiResponse(responseCode = "400", description = "Not supported or invalid; message says what")
  @ApiResponse(
      responseCode = "429",
      description =
          "This credential already runs shardeddb.router.sql.max-concurrent-scans scans; retry")
  @ApiResponse(
      responseCode = "503",
      description =
          "A shard had no primary within the deadline, or the read ran past"
              + " shardeddb.router.sql.statement-timeout and was stopped")
  public Mono<HttpResponse<QueryResponse>> query(
      @Body @Nullable String body, HttpRequest<?> request) {
    String credential =
        request
            .getAttribute(io.shardeddb.router.http.AuthFilter.CREDENTIAL, String.class)
            .orElse(this.credential);
    long start = System.nanoTime();
    String[] kind = {"invalid"};
    return Mono.defer(
            () -> {
              Map<String, Object> req = bodies.object(body);
              for (String field : req.keySet()) {
                if (!FIELDS.contains(field)) {
                  throw new InvalidRequestException(
                      "unknown field '" + field + "' (expected " + String.join(", ", FIELDS) + ")");
                }
              }
              if (!(req.get("query") instanceof String sql)) {
                throw new InvalidRequestException(
                    req.get("query") == null
                        ? "missing field 'query'"
                        : "field 'query' must be a string holding one SQL statement");
              }
              // No consistency named: the database's default (spec.router.reads) for a SELECT.
              ReadConsistency consistency = readDefaults.consistencyOf(req.get("consistency"));
              long bound = readDefaults.boundOf(req.get("maxStalenessMs"), consistency);
              Object session = req.get("session");
              if (session != null && !(session instanceof String)) {
                throw new InvalidRequestException("field 'session' must be a string token");
              }
              SessionToken token = SessionToken.parse((String) session);
              return ReadBound.within(
                      statements.run(sql, consistency, token, credential, kind), bound)
                  .map(SqlStatements.Ran::response);
            })
        .map(r -> (HttpResponse<QueryResponse>) HttpResponse.ok(r))
        .onErrorResume(e -> Mono.just(failure(e)))
        .doOnNext(r -> metrics.sqlStatement(kind[0], r.code(), System.nanoTime() - start));
  }

  @Get("/query/status")
  @Operation(
      summary =
          "The coordinator's status: per shard the primary, whether it is the original,"
              + " the replicas with lag, and the failover rank",
      description = "See docs/sql.md for what 'original' and 'rank' mean.")
  public CoordinatorStatus.Response status() {
    return CoordinatorStatus.of(
        topology.current().topology(), history.firstPrimaries(), health::heartbeat);
  }

  private HttpResponse<QueryResponse> failure(Throwable e) {
    Failure failure = Failure.of(e, LOG, "/query");
    metrics.error("/query", failure.status());
    var response =
        HttpResponse.<QueryResponse>status(HttpStatus.valueOf(failure.status()))
            .body(QueryResponse.failure(failure.message()));
    if (e instanceof StatementLimitException l
        && l.limit() == StatementLimitException.Limit.CONCURRENCY) {
      response.header("Retry-After", "1");
    }
    return response;
  }
}
