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
          RoutingTable table = topology.current();
          if (kind != null) {
            kind[0] = "unsupported";
          }
          // The parser can take a while on a hostile statement: off the event loop.
          return Mono.fromCallable(() -> translate(table, sql))
              .subscribeOn(Schedulers.boundedElastic())
              .flatMap(
                  plan -> {
                    if (kind != null) {
                      kind[0] = plan.kind();
                    }
                    boolean ddl =
                        plan instanceof SqlPlan.CreateTable || plan instanceof SqlPlan.ChangeSchema;
                    if (ddl && txn != null && !txn.isEmpty()) {
                      return Mono.error(
                          new InvalidRequestException(
                              "DDL inside a transaction that holds changes is not supported"
                                  + " (MySQL would commit them first): COMMIT or ROLLBACK, then"
                                  + " run it"));
                    }
                    if (txn != null && !ddl) {
                      Mono<Ran> in =
                          executor
                              .executeIn(table, plan, txn)
                              .map(r -> new Ran(plan, table.topology().schema(), r));
                      if (!limits.isScan(plan)) {
                        return in;
                      }
                      ScanSlots.Slot slot = slots.take(credential, limits);
                      if (slot == null) {
                        return Mono.error(limits.tooManyScans(credential));
                      }
                      return in.doFinally(signal -> slot.close());
                    }
                    if (plan instanceof SqlPlan.CreateTable create) {
                      return createTable(create, credential)
                          .map(r -> new Ran(plan, create.schema(), r));
                    }
                    if (plan instanceof SqlPlan.ChangeSchema change) {
                      return changeSchema(change, credential)
                          .map(r -> new Ran(plan, change.next(), r));
                    }
                    Mono<Ran> ran =
                        executor
                            .execute(table, plan, consistency, session)
                            .map(r -> new Ran(plan, table.topology().schema(), r));
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

  /**
   * {@code ALTER TABLE … ADD COLUMN}, for the admin credential only (the MySQL admin user, or the
   * admin token on {@code /query}): the operator applies it on every shard; the reply comes once
   * every shard has (docs/sql.md, "Changing the schema").
   */
  /**
   * {@code CREATE TABLE} on a database without a table, for the admin credential only: the operator
   * creates it on the default layout; the reply comes once the database is Ready with it
   * (docs/sql.md, "Creating the table").
   */
  private Mono<QueryResponse> createTable(SqlPlan.CreateTable create, String credential) {
    if (admin == null || adminCredential == null || !adminCredential.equals(credential)) {
      return Mono.error(
          new ApiException(
              403,
              "CREATE TABLE needs the admin credential (the MySQL admin user, or the admin token"
                  + " on /query); the data credential reads and writes rows only"));
    }
    return Mono.fromFuture(() -> admin.get().createTable(create.schema()))
        .map(
            message ->
                new QueryResponse(
                    true, message, null, null, 0L, null, null, null, null, null, "success", null,
                    null));
  }

  private Mono<QueryResponse> changeSchema(SqlPlan.ChangeSchema add, String credential) {
    if (add.changes().isEmpty()) {
      // CREATE TABLE IF NOT EXISTS naming the table: nothing to do.
      return Mono.just(
          new QueryResponse(
              true,
              "Table " + add.next().table() + " already exists",
              null,
              null,
              0L,
              null,
              null,
              null,
              null,
              null,
              "success",
              null,
              null));
    }
    if (admin == null || adminCredential == null || !adminCredential.equals(credential)) {
      return Mono.error(
          new ApiException(
              403,
              "A schema change (ALTER TABLE, CREATE or DROP INDEX) needs the admin credential (the MySQL admin user, or the admin token"
                  + " on /query); the data credential reads and writes rows only"));
    }
    return Mono.fromFuture(() -> admin.get().changeSchema(add.next()))
        .map(
            version ->
                new QueryResponse(
                    true,
                    "Table "
                        + add.next().table()
                        + " altered: schema version "
                        + version
                        + " on every shard ("
                        + String.join(", ", add.changes())
                        + ")",
                    null,
                    null,
                    0L,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "success",
                    null,
                    null));
  }

  /** Commits {@code txn} (see {@link SqlExecutor#commit}). */
  public Mono<QueryResponse> commit(SqlTransaction txn) {
    return Mono.defer(() -> executor.commit(topology.current(), txn));
  }

  private SqlPlan translate(RoutingTable table, String sql) {
    try {
      return new SqlTranslator(table.initialized() ? table.topology().schema() : null, parser)
          .translate(sql);
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
