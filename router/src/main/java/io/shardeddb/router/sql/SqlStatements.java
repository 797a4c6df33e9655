package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.admin.ClusterAdmin;
import io.shardeddb.router.auth.RouterTokens;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One SQL statement from text to reply, shared by the router's SQL front ends ({@code POST /query}
 * and the MySQL protocol): translate it against the current table ({@link SqlTranslator}, off the
 * event loop) and carry it out ({@link SqlExecutor}). Failures are the usual exceptions ({@link
 * InvalidRequestException}, {@link ApiException}); each front end words them its own way.
 */
@Singleton
public class SqlStatements {
  private static final Logger LOG = LoggerFactory.getLogger(SqlStatements.class);

  private final TopologyHolder topology;
  private final SqlExecutor executor;
  private final SqlParser parser;
  private final StatementLimits limits;
  private final ScanSlots slots;

  private final Provider<ClusterAdmin> admin;
  private final String adminCredential;

  @Inject
  public SqlStatements(
      TopologyHolder topology,
      SqlExecutor executor,
      SqlParser parser,
      StatementLimits limits,
      ScanSlots slots,
      Provider<ClusterAdmin> admin,
      RouterTokens tokens) {
    this.topology = topology;
    this.executor = executor;
    this.parser = parser;
    this.limits = limits;
    this.slots = slots;
    this.admin = admin;
    this.adminCredential = tokens.admin().name();
  }

  /** Statements without DDL (tests of the other statements). */
  public SqlStatements(
      TopologyHolder topology,
      SqlExecutor executor,
      SqlParser parser,
      StatementLimits limits,
      ScanSlots slots) {
    this.topology = topology;
    this.executor = executor;
    this.parser = parser;
    this.limits = limits;
    this.slots = slots;
    this.admin = null;
    this.adminCredential = null;
  }

  /** What a statement was and what it did. */
  public record Ran(SqlPlan plan, TableSchema schema, QueryResponse response) {}

  /**
   * Runs {@code sql} for {@code credential} (the name of the token the client authenticated with: a
   * scan takes one of its {@link StatementLimits#maxConcurrentScans()} slots, or is refused at once
   * when none is free); {@code kind} (an array of one, may be null) is set to the statement's kind
   * once it is known, for metrics. Cancelling the returned Mono cancels the statement's shard calls
   * and frees its slot.
   */
  public Mono<Ran> run(
      String sql,
      ReadConsistency consistency,
      SessionToken session,
      String credential,
      String[] kind) {
    return run(sql, consistency, session, credential, kind, null);
  }

  /**
   * As above, inside the open transaction {@code txn} when not null (docs/sql.md, "Transactions"):
   * its statements read the primaries and see its changes, and an INSERT, UPDATE or DELETE adds to
   * it instead of writing ({@link SqlExecutor#executeIn}); DDL is refused while it holds changes.
   */
  public Mono<Ran> run(
      String sql,
      ReadConsistency consistency,
      SessionToken session,
      String credential,
      String[] kind,
      SqlTransaction txn) {
    return Mono.defer(
        () -> {
          RoutingTable current = topology.current();
          if (kind != null) {
            kind[0] = "unsupported";
          }
          // The parser can take a while on a hostile statement: off the event loop.
          return Mono.fromCallable(() -> translate(current, sql))
              .subscribeOn(Schedulers.boundedElastic())
              .flatMap(
                  translated -> {
                    SqlPlan plan = translated.plan();
                    if (kind != null) {
                      kind[0] = plan.kind();
                    }
                    boolean ddl =
                        plan instanceof SqlPlan.CreateTable
                            || plan instanceof SqlPlan.ChangeSchema
                            || plan instanceof SqlPlan.DropTable;
                    if (ddl && txn != null && !txn.isEmpty()) {
                      return Mono.error(
                          new InvalidRequestException(
                              "DDL inside a transaction that holds changes is not supported"
                                  + " (MySQL would commit them first): COMMIT or ROLLBACK, then"
                                  + " run it"));
                    }
                    if (ddl) {
                      return ddl(current, plan, credential)
                          .map(r -> new Ran(plan, translated.table(), r));
                    }
                    if (plan instanceof SqlPlan.Join && txn != null) {
                      return Mono.error(SqlJoins.notInTransactions());
                    }
                    // The statement's requests are of its table (a "table" field on each shard
                    // call when it is not the first); a join's name each side's table.
                    boolean joined =
                        plan instanceof SqlPlan.Join
                            || plan instanceof SqlPlan.Explain x && x.of() instanceof SqlPlan.Join;
                    RoutingTable table =
                        joined ? current : current.forTable(translated.table().table());
                    Mono<Ran> ran =
                        (txn != null
                                ? executor.executeIn(table, plan, txn)
                                : executor.execute(table, plan, consistency, session))
                            .map(
                                r ->
                                    new Ran(
                                        plan,
                                        plan instanceof SqlPlan.Join join
                                            ? join.view()
                                            : table.topology().schema(),
                                        r));
                    if (!limits.isScan(plan)) {
                      return ran;
                    }
                    ScanSlots.Slot slot = slots.take(credential, limits);
                    if (slot == null) {
                      return Mono.error(limits.tooManyScans(credential));
                    }
                    // Given back however the statement ends: done, failed or cancelled.
                    return ran.doFinally(signal -> slot.close());
                  });
        });
  }

  /** A statement's plan and the table it is of (null: it names none). */
  private record Translated(SqlPlan plan, TableSchema table) {}

  /**
   * DDL, for the admin credential only (the MySQL admin user, or the admin token on {@code
   * /query}): {@code CREATE TABLE} of a database's first table on the default layout ({@link
   * ClusterAdmin#createTable}); any other change of its tables ({@code CREATE TABLE} of another
   * table, {@code DROP TABLE}, {@code ALTER TABLE}, {@code CREATE | DROP INDEX}) as the database's
   * tables after it ({@link SqlDdlPlans#tablesAfter}), which the operator applies on every shard;
   * the reply comes once every shard has (docs/sql.md, "Changing the schema", "More tables").
   */
  private Mono<QueryResponse> ddl(RoutingTable current, SqlPlan plan, String credential) {
    String nothing = SqlDdlPlans.nothingToDo(plan);
    if (nothing != null) {
      return Mono.just(message(nothing));
    }
    if (admin == null || adminCredential == null || !adminCredential.equals(credential)) {
      return Mono.error(
          new ApiException(
              403,
              SqlDdlPlans.statement(plan)
                  + " needs the admin credential (the MySQL admin user, or the admin token"
                  + " on /query); the data credential reads and writes rows only"));
    }
    if (plan instanceof SqlPlan.CreateTable create && !current.initialized()) {
      return Mono.fromFuture(() -> admin.get().createTable(create.schema())).map(this::message);
    }
    if (plan instanceof SqlPlan.CreateTable create) {
      // A String key needs Hash sharding, which the database has or lacks already.
      String refusal = create.schema().shardingRefusal(current.sharding());
      if (refusal != null) {
        return Mono.error(new InvalidRequestException("CREATE TABLE: " + refusal));
      }
    }
    var next = SqlDdlPlans.tablesAfter(current.topology().tableSet(), plan);
    return Mono.fromFuture(() -> admin.get().changeTables(next))
        .map(version -> message(SqlDdlPlans.done(plan, version)));
  }

  private QueryResponse message(String message) {
    return new QueryResponse(
        true, message, null, null, 0L, null, null, null, null, null, "success", null, null);
  }

  /** Commits {@code txn} (see {@link SqlExecutor#commit}). */
  public Mono<QueryResponse> commit(SqlTransaction txn) {
    return Mono.defer(() -> executor.commit(topology.current(), txn));
  }

  private Translated translate(RoutingTable table, String sql) {
    try {
      SqlTranslator translator =
          new SqlTranslator(table.initialized() ? table.topology().tableSet() : null, parser);
      SqlPlan plan = translator.translate(sql);
      return new Translated(plan, translator.table());
    } catch (InvalidRequestException | ApiException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // Whatever the parser could not cope with is the statement's problem, not the server's: a
      // client can send these at will, so no stack trace in the log.
      LOG.debug("could not translate a statement: {}", e.toString());
      throw new InvalidRequestException(
          "the statement is not supported (" + e.getClass().getSimpleName() + ")");
    }
  }
}
