package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** AUTO_INCREMENT ids: the search for the largest key, and consecutive ids per statement. */
class AutoIdsTest {
  static final TableSchema USERS =
      new TableSchema(
          "users",
          "id",
          List.of(
              new Column("id", ColumnType.Number, null, null, true),
              new Column("name", ColumnType.String, true, null, null)));

  /** The search over a set of keys, counting the questions it asks. */
  static long maxOf(TreeSet<Long> keys, List<Long> asked) {
    return AutoIds.MaxKeySearch.run(
            x -> {
              asked.add(x);
              return Mono.just(keys.ceiling(x) != null);
            })
        .block();
  }

  @Test
  void theSearchFindsTheLargestKeyInAboutTwiceLog2Questions() {
    for (long max : new long[] {1, 2, 3, 7, 8, 999, 1000, 1 << 20, 123_456_789_012L}) {
      TreeSet<Long> keys = new TreeSet<>(List.of(-5L, 1L, max / 2, max));
      List<Long> asked = new ArrayList<>();
      assertThat(maxOf(keys, asked)).as("max %d", max).isEqualTo(max);
      assertThat(asked.size()).isLessThanOrEqualTo(2 * (64 - Long.numberOfLeadingZeros(max)) + 2);
    }
    assertThat(maxOf(new TreeSet<>(), new ArrayList<>())).isZero();
    assertThat(maxOf(new TreeSet<>(List.of(-3L, 0L)), new ArrayList<>())).isZero();
  }

  @Test
  void idsAreConsecutiveAcrossReservationsUntilForgotten() {
    AutoIds ids = new AutoIds();
    TreeSet<Long> keys = new TreeSet<>(List.of(41L));
    assertThat(ids.reserve("users", 3, x -> Mono.just(keys.ceiling(x) != null)).block())
        .isEqualTo(42);
    assertThat(ids.reserve("users", 1, x -> Mono.just(keys.ceiling(x) != null)).block())
        .isEqualTo(45);
    keys.add(500L); // another router wrote up to 500
    ids.forget("users");
    assertThat(ids.reserve("users", 1, x -> Mono.just(keys.ceiling(x) != null)).block())
        .isEqualTo(501);
  }

  @Test
  void onlyRowsThatLeaveTheKeyOutGetIdsInColumnOrder() {
    Map<String, Object> given = new HashMap<>();
    given.put("id", 7L);
    given.put("name", "x");
    Map<String, Object> left = new HashMap<>();
    left.put("name", "Alice");
    Map<String, Object> left2 = new HashMap<>();
    left2.put("name", null);
    List<Map<String, Object>> rows = List.of(left, given, left2);
    List<Integer> missing = AutoIds.rowsWithoutKey(USERS, rows);
    assertThat(missing).containsExactly(0, 2);
    List<Map<String, Object>> out = AutoIds.withIds(USERS, rows, missing, 100);
    assertThat(out.get(0)).containsExactly(Map.entry("id", 100L), Map.entry("name", "Alice"));
    assertThat(out.get(1)).isSameAs(given);
    assertThat(out.get(2).get("id")).isEqualTo(101L);
    assertThat(AutoIds.rowsWithoutKey(SqlTranslatorTest.SCHEMA, List.of(Map.of()))).isEmpty();
  }
}
