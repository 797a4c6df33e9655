package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.router.routing.FailoverRetry;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.topology.TopologyHolder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The statement deadline and the per-credential cap of scans through {@link SqlStatements} (the
 * path {@code POST /query} and the MySQL port share), against a slow in-memory shard that pages 10
 * of its 100 rows at a time: a scan past its deadline is a 503 naming the setting and no further
 * page is asked for (the one in flight is cancelled); scans beyond a credential's cap are refused
 * at once with a 429 while point reads, and other credentials, still answer; a finished or
 * cancelled scan gives its slot back.
 */
class SqlStatementLimitsTest {
  static final String DATA = "data token";
  static final String SCAN = "SELECT * FROM students";
  static final String POINT = "SELECT * FROM students WHERE Stud_id = 7";

  final SqlExecutorBoundsTest.PagedShard shard = new SqlExecutorBoundsTest.PagedShard();
  final TopologyHolder holder = SqlExecutorMixedVersionsTest.topology();
  final ScanSlots slots = new ScanSlots();
  final List<Disposable> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(Disposable::dispose);
  }

  SqlStatements statements(StatementLimits limits) {
    RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry());
    ReplicaHealth health = new ReplicaHealth(holder, shard);
    FailoverRetry retry = new FailoverRetry(holder, health, metrics, Duration.ofSeconds(5));
    SqlExecutor executor =
        new SqlExecutor(
            new ReadPath(shard, health, retry, metrics),
            new WritePath(shard, retry, metrics),
            holder,
            SqlLimits.DEFAULTS,
            limits);
    return new SqlStatements(holder, executor, SqlTranslatorTest.PARSER, limits, slots);
  }

  static reactor.core.publisher.Mono<SqlStatements.Ran> run(
      SqlStatements s, String sql, String credential) {
    return s.run(sql, ReadConsistency.PRIMARY, SessionToken.empty(), credential, null);
  }

  @Test
  void aScanPastItsDeadlineIsStoppedWithA503AndAsksForNoFurtherPage() {
    shard.delay = Duration.ofMillis(100);
    SqlStatements s = statements(new StatementLimits(Duration.ofMillis(350), 8, 1000));
    long start = System.nanoTime();
    assertThatThrownBy(() -> run(s, SCAN, DATA).block())
        .isInstanceOfSatisfying(
            StatementLimitException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.limit()).isEqualTo(StatementLimitException.Limit.DEADLINE);
            })
        .hasMessageContaining("SELECT ran past its deadline of 350 ms")
        .hasMessageContaining("shardeddb.router.sql.statement-timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    // Ten pages of 100 ms would take a second: about four were asked for, the last cancelled.
    int asked = shard.pages.get();
    assertThat(asked).isBetween(3, 6);
    assertThat(shard.cancelled.get()).isEqualTo(1);
    await().during(Duration.ofMillis(500)).until(() -> shard.pages.get() == asked);
    assertThat(slots.running(DATA)).isZero();
  }

  @Test
  void everyPageRequestOfAScanCarriesTheTimeItsStatementHasLeft() {
    shard.delay = Duration.ofMillis(30);
    SqlStatements s = statements(new StatementLimits(Duration.ofSeconds(2), 8, 1000));
    assertThat(run(s, SCAN, DATA).block().response().data()).hasSize(100);
    assertThat(shard.deadlines).hasSize(shard.pages.get()).hasSizeGreaterThan(5);
    // Counted down from 2000 ms as the pages come, never more than the statement had.
    assertThat(shard.deadlines).allSatisfy(left -> assertThat(left).isBetween(1L, 2000L));
    assertThat(shard.deadlines.get(shard.deadlines.size() - 1))
        .isLessThan(shard.deadlines.get(0) - 5 * 30);
    // The same read outside a statement (the router's own /read) carries none.
    shard.deadlines.clear();
    RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry());
    ReplicaHealth health = new ReplicaHealth(holder, shard);
    new ReadPath(
            shard,
            health,
            new FailoverRetry(holder, health, metrics, Duration.ofSeconds(5)),
            metrics)
        .read(
            holder.current(),
            new io.shardeddb.protocol.lb.KeyRange(1, 5),
            ReadConsistency.PRIMARY,
            SessionToken.empty())
        .block();
    assertThat(shard.deadlines).containsOnly(-1L);
  }

  @Test
  void aPointReadIsNotCutOffWithinItsDeadline() {
    shard.delay = Duration.ofMillis(100);
    SqlStatements s = statements(new StatementLimits(Duration.ofMillis(350), 8, 1000));
    assertThat(run(s, POINT, DATA).block().response().data()).hasSize(1);
  }

  @Test
  void scansBeyondTheCapAreRefusedAtOnceWhilePointReadsAndOtherCredentialsAnswer() {
    shard.delay = Duration.ofMillis(300);
    SqlStatements s = statements(new StatementLimits(Duration.ofSeconds(30), 2, 1000));
    running.add(run(s, SCAN, DATA).subscribe());
    running.add(run(s, SCAN, DATA).subscribe());
    await().atMost(Duration.ofSeconds(5)).until(() -> slots.running(DATA) == 2);

    long start = System.nanoTime();
    assertThatThrownBy(() -> run(s, SCAN, DATA).block())
        .isInstanceOfSatisfying(
            StatementLimitException.class, e -> assertThat(e.status()).isEqualTo(429))
        .hasMessageContaining("too many concurrent scans for the data token")
        .hasMessageContaining("shardeddb.router.sql.max-concurrent-scans");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));

    assertThat(run(s, POINT, DATA).block().response().data()).hasSize(1);
    assertThat(
            run(s, "UPDATE students SET Stud_marks = 1 WHERE Stud_id = 200", DATA)
                .block()
                .response()
                .success())
        .isTrue();
    Disposable admin = run(s, SCAN, "admin token").subscribe();
    running.add(admin);
    await().atMost(Duration.ofSeconds(5)).until(() -> slots.running("admin token") == 1);
    assertThat(slots.running(DATA)).isEqualTo(2);
  }

  @Test
  void aFinishedOrCancelledScanGivesItsSlotBack() {
    shard.delay = Duration.ofMillis(20);
    SqlStatements s = statements(new StatementLimits(Duration.ofSeconds(30), 1, 1000));
    assertThat(run(s, SCAN, DATA).block().response().data()).hasSize(100);
    // Given back as the statement ends, just after its reply went on.
    await().atMost(Duration.ofSeconds(2)).until(() -> slots.running(DATA) == 0);

    shard.delay = Duration.ofSeconds(5);
    Disposable scan = run(s, SCAN, DATA).subscribe();
    await().atMost(Duration.ofSeconds(5)).until(() -> slots.running(DATA) == 1);
    scan.dispose(); // the client went away
    assertThat(slots.running(DATA)).isZero();
    assertThat(shard.cancelled.get()).isEqualTo(1);
  }
}
