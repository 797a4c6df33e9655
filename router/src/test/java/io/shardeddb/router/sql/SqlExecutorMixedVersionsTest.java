package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.router.routing.FailoverRetry;
import io.shardeddb.router.routing.ReadPath;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.routing.WritePath;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.topology.RoutingTable;
import io.shardeddb.router.topology.TopologyHolder;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * SELECTs give the same answer whether the shard-server applies the pushed-down filter and counts
 * (current) or ignores both fields and sends every row of the range (older): the router re-checks
 * the WHERE and counts the rows itself when no {@code count} comes back. The shard-server is an
 * in-memory fake of {@code /read}; what it received is recorded.
 */
class SqlExecutorMixedVersionsTest {
  static final List<Map<String, Object>> ROWS =
      List.of(row(1, "Ann", 70), row(2, "Bob", 40), row(3, "Cid", 90), row(4, "Dee", 70));

  static Map<String, Object> row(long id, String name, long marks) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("Stud_id", id);
    r.put("Stud_name", name);
    r.put("Stud_marks", marks);
    r.put("Stud_gpa", "1");
    return r;
  }

  /** A shard-server's /read: "current" applies marks filters and counts; "older" ignores both. */
  static final class FakeShard extends ShardServerClient {
    final boolean current;
    final List<String> received = new ArrayList<>();

    @SuppressWarnings("unchecked")
    FakeShard(boolean current) {
      super(
          (HttpClientRegistry<HttpClient>)
              Proxy.newProxyInstance(
                  FakeShard.class.getClassLoader(),
                  new Class<?>[] {HttpClientRegistry.class},
                  (proxy, method, args) -> null),
          null);
      this.current = current;
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
      received.add((filter == null ? "-" : filter.toWire().toString()) + (count ? " count" : ""));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Map<String, Object> r : ROWS) {
        long k = (Long) r.get("Stud_id");
        if (k >= low && k <= high && (!current || filter == null || matches(filter, r))) {
          rows.add(r);
        }
      }
      if (current && count) {
        return Mono.just(
            new ShardReadResponse(List.of(), "success", 1L, 1L, 1L, null, (long) rows.size()));
      }
      return Mono.just(new ShardReadResponse(rows, "success", 1L, 1L, 1L, null));
    }

    /** Enough of the shard-server's semantics for this test's filters (marks comparisons). */
    private static boolean matches(ReadFilter f, Map<String, Object> r) {
      long marks = (Long) r.get("Stud_marks");
      long v = ((Number) f.values().get(0)).longValue();
      return switch (f.op()) {
        case ">=" -> marks >= v;
        case "<" -> marks < v;
        default -> throw new AssertionError("unexpected filter " + f);
      };
    }
  }

  static SqlExecutor executor(FakeShard shard, TopologyHolder holder) {
    RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry());
    ReplicaHealth health = new ReplicaHealth(holder, shard);
    FailoverRetry retry = new FailoverRetry(holder, health, metrics, Duration.ofSeconds(5));
    return new SqlExecutor(
        new ReadPath(shard, health, retry, metrics),
        new WritePath(shard, retry, metrics),
        holder,
        SqlLimits.DEFAULTS,
        StatementLimits.DEFAULTS);
  }

  static TopologyHolder topology() {
    TopologyHolder holder = new TopologyHolder("students");
    holder.accept(
        new Topology(
            "students",
            1,
            SqlTranslatorTest.SCHEMA,
            WriteQuorum.Majority,
            List.of(
                new ShardTopology(
                    "sh1",
                    0,
                    4096,
                    1,
                    "db-sh1-0",
                    List.of(new Replica("db-sh1-0", "http://127.0.0.1:1", Role.Primary)))),
            Map.of()));
    return holder;
  }

  @ParameterizedTest(name = "current shard-server: {0}")
  @ValueSource(booleans = {true, false})
  void aNonKeyPredicateAndACountAnswerTheSameWhateverTheShardServerUnderstands(boolean current) {
    FakeShard shard = new FakeShard(current);
    TopologyHolder holder = topology();
    SqlExecutor sql = executor(shard, holder);
    RoutingTable table = holder.current();
    SqlTranslator translator =
        new SqlTranslator(SqlTranslatorTest.SCHEMA, SqlTranslatorTest.PARSER);

    QueryResponse select =
        sql.execute(
                table,
                translator.translate("SELECT Stud_id FROM students WHERE Stud_marks >= 70"),
                ReadConsistency.PRIMARY,
                SessionToken.empty())
            .block();
    assertThat(select.data()).extracting(r -> r.get("Stud_id")).containsExactly(1L, 3L, 4L);
    assertThat(select.executedOn()).isEqualTo("sh1/db-sh1-0");

    QueryResponse count =
        sql.execute(
                table,
                translator.translate("SELECT COUNT(*) FROM students WHERE Stud_marks < 70"),
                ReadConsistency.PRIMARY,
                SessionToken.empty())
            .block();
    assertThat(count.data()).containsExactly(Map.of("COUNT(*)", 1L));

    String marksFilter = "{op=>=, column=Stud_marks, values=[70]}";
    String countFilter = "{op=<, column=Stud_marks, values=[70]}";
    assertThat(shard.received)
        .containsExactlyElementsOf(
            current
                ? List.of(marksFilter, countFilter + " count")
                // An older server answered rows to the count request: the router read them.
                : List.of(marksFilter, countFilter + " count", countFilter));
  }
}
