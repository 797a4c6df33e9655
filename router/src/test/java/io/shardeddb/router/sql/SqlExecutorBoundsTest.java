package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.router.routing.FailoverRetry;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.shard.ReadDeadline;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.topology.TopologyHolder;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A {@code /query} holds in the router only what the statement needs, within {@link SqlLimits}: a
 * SELECT whose result would exceed them is a 400 naming the setting (not an out-of-memory router),
 * a LIMIT stops the read after the pages it needs, ORDER BY ... LIMIT keeps only the best rows, a
 * COUNT keeps none, and an UPDATE/DELETE stops reading at the first key past its bound. The shard
 * is an in-memory fake of {@code /read} that pages 10 rows at a time and counts its page requests.
 */
class SqlExecutorBoundsTest {
  static final int ROWS = 100;
  static final int PAGE = 10;

  /** 100 rows, keys 1..100, marks (k * 37) % 101, paged 10 at a time; never counts. */
  static final class PagedShard extends ShardServerClient {
    final AtomicInteger pages = new AtomicInteger();

    /** How long each page takes to answer (a slow shard, for the statement deadline). */
    volatile Duration delay = Duration.ZERO;

    /** Pages whose answer was cancelled before it came (the router stopped waiting for it). */
    final AtomicInteger cancelled = new AtomicInteger();

    /**
     * The time each page request was told it had left ({@link ReadDeadline}, what the production
     * client sends as {@code timeoutMs}); -1 for a request without a deadline.
     */
    final List<Long> deadlines = new java.util.concurrent.CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    PagedShard() {
      super(
          (HttpClientRegistry<HttpClient>)
              Proxy.newProxyInstance(
                  PagedShard.class.getClassLoader(),
                  new Class<?>[] {HttpClientRegistry.class},
                  (proxy, method, args) -> null),
          null);
    }

    @Override
    public Mono<ShardReadResponse> read(
        String url,
        String shard,
        String owned,
        String keyName,
        Object lowKey,
        Object highKey,
        ReadConsistency consistency,
        Long minEpoch,
        Long minLsn,
        LogPosition floor,
        long maxStalenessMs,
        ReadFilter filter,
        boolean count) {
      long low = (Long) lowKey;
      long high = (Long) highKey;
      pages.incrementAndGet();
      List<Map<String, Object>> page = new ArrayList<>();
      long k = Math.max(1, low);
      for (; k <= Math.min(high, ROWS) && page.size() < PAGE; k++) {
        page.add(row(k));
      }
      Long next = k <= Math.min(high, ROWS) ? k : null;
      Mono<ShardReadResponse> answer =
          Mono.deferContextual(
              context -> {
                deadlines.add(ReadDeadline.millisLeft(context, System.nanoTime()).orElse(-1));
                return Mono.just(new ShardReadResponse(page, "success", 1L, 1L, 1L, next));
              });
      return delay.isZero()
          ? answer
          : answer.delayElement(delay).doOnCancel(cancelled::incrementAndGet);
    }
  }

  static Map<String, Object> row(long k) {
    return SqlExecutorMixedVersionsTest.row(k, "name-" + k, (k * 37) % 101);
  }

  final PagedShard shard = new PagedShard();
  final TopologyHolder holder = SqlExecutorMixedVersionsTest.topology();

  SqlExecutor executor(SqlLimits limits) {
    return executor(limits, StatementLimits.DEFAULTS);
  }

  SqlExecutor executor(SqlLimits limits, StatementLimits statementLimits) {
    RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry());
    ReplicaHealth health = new ReplicaHealth(holder, shard);
    FailoverRetry retry = new FailoverRetry(holder, health, metrics, Duration.ofSeconds(5));
    return new SqlExecutor(
        new ReadPath(shard, health, retry, metrics),
        new WritePath(shard, retry, metrics),
        holder,
        limits,
        statementLimits);
  }

  QueryResponse run(SqlLimits limits, String sql) {
    SqlTranslator translator =
        new SqlTranslator(SqlTranslatorTest.SCHEMA, SqlTranslatorTest.PARSER);
    return executor(limits)
        .execute(
            holder.current(),
            translator.translate(sql),
            ReadConsistency.PRIMARY,
            SessionToken.empty())
        .block();
  }

  @Test
  void aSelectLargerThanTheRowLimitIsA400NamingTheSettingAndStopsReading() {
    SqlLimits limits = new SqlLimits(30, 1 << 20, 10_000);
    assertThatThrownBy(() -> run(limits, "SELECT * FROM students"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("more than 30 rows")
        .hasMessageContaining("shardeddb.router.sql.max-result-rows");
    // Pages of 10: the 31st row is on the 4th page; nothing after it was fetched.
    assertThat(shard.pages.get()).isEqualTo(4);
  }

  @Test
  void aSelectLargerThanTheByteLimitIsA400NamingTheSetting() {
    SqlLimits limits = new SqlLimits(10_000, 2_000, 10_000);
    assertThatThrownBy(() -> run(limits, "SELECT * FROM students WHERE Stud_marks >= 0"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("larger than 2000 bytes")
        .hasMessageContaining("shardeddb.router.sql.max-result-bytes");
    assertThat(shard.pages.get()).isLessThan(ROWS / PAGE);
  }

  @Test
  void aLimitInKeyOrderReadsOnlyThePagesItNeeds() {
    SqlLimits limits = new SqlLimits(30, 1 << 20, 10_000);
    QueryResponse r = run(limits, "SELECT Stud_id FROM students LIMIT 5 OFFSET 10");
    assertThat(r.data()).extracting(m -> m.get("Stud_id")).containsExactly(11L, 12L, 13L, 14L, 15L);
    assertThat(shard.pages.get()).isEqualTo(2);

    shard.pages.set(0);
    QueryResponse ordered = run(limits, "SELECT Stud_id FROM students ORDER BY Stud_id LIMIT 3");
    assertThat(ordered.data()).extracting(m -> m.get("Stud_id")).containsExactly(1L, 2L, 3L);
    assertThat(shard.pages.get()).isEqualTo(1);
  }

  @Test
  void orderByAnotherColumnWithALimitKeepsOnlyTheBestRowsAndAnswersAsASortWould() {
    // 100 rows pass through, but at most OFFSET + LIMIT = 5 are held: the 30-row limit holds.
    SqlLimits limits = new SqlLimits(30, 1 << 20, 10_000);
    QueryResponse r =
        run(
            limits,
            "SELECT Stud_id, Stud_marks FROM students ORDER BY Stud_marks DESC LIMIT 3 OFFSET 2");
    List<Map<String, Object>> all = new ArrayList<>();
    for (long k = 1; k <= ROWS; k++) {
      all.add(row(k));
    }
    List<Object> expected =
        all.stream()
            .sorted(Comparator.comparing(m -> -((Long) m.get("Stud_marks"))))
            .skip(2)
            .limit(3)
            .map(m -> m.get("Stud_id"))
            .toList();
    assertThat(r.data()).extracting(m -> m.get("Stud_id")).containsExactlyElementsOf(expected);
    assertThat(shard.pages.get()).isEqualTo(ROWS / PAGE);
  }

  @Test
  void aCountTheShardsDoNotAnswerIsCountedWithoutHoldingRows() {
    // The fake never counts (an older shard-server): the router counts 100 rows, holding none.
    SqlLimits limits = new SqlLimits(30, 1 << 20, 10_000);
    QueryResponse r = run(limits, "SELECT COUNT(*) FROM students");
    assertThat(r.data()).containsExactly(Map.of("COUNT(*)", (long) ROWS));
  }

  @Test
  void anUpdateOfMoreRowsThanItsBoundIsA400BeforeAnyWriteAndStopsReading() {
    SqlLimits limits = new SqlLimits(10_000, 1 << 20, 15);
    assertThatThrownBy(() -> run(limits, "UPDATE students SET Stud_marks = 1 WHERE Stud_id > 0"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("more than 15 rows")
        .hasMessageContaining("shardeddb.router.sql.max-rows-per-write");
    assertThat(shard.pages.get()).isEqualTo(2);
  }
}
