package io.shardeddb.router.sql;

import io.shardeddb.protocol.shard.ShardExplainResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EXPLAIN's result rows from {@link SqlExplain}'s steps and each shard's answer to the plan
 * request: the router's columns beside the first row of MariaDB's own plan.
 */
final class SqlExplainRows {
  private SqlExplainRows() {}

  /** A shard's answer to the plan request: MariaDB's plan, or why there is none. */
  record Answer(ShardExplainResponse plan, String failure) {
    static Answer of(ShardExplainResponse plan) {
      return new Answer(plan, null);
    }

    static Answer failed(String why) {
      return new Answer(null, why);
    }
  }

  /**
   * The result's rows ({@link SqlExplain#COLUMNS}): one per step, with the columns of the first row
   * of its shard's MariaDB plan (a step without a plan says why in {@code Extra}); no step at all
   * (no shard holds the keys asked) is one row saying nothing is read, as MySQL's "Impossible
   * WHERE".
   */
  static List<Map<String, Object>> rows(
      String label, List<SqlExplain.Step> steps, List<Answer> answers) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (steps.isEmpty()) {
      Map<String, Object> row = row(null, label, "none", null, null, null);
      row.put("Extra", "Impossible WHERE (no shard holds the keys it allows; nothing is read)");
      out.add(row);
      return out;
    }
    for (int i = 0; i < steps.size(); i++) {
      SqlExplain.Step s = steps.get(i);
      Answer a = answers.get(i);
      Map<String, Object> row =
          row(
              s.shard().id(),
              s.label(),
              s.access() + (s.count() ? " (counted on the shard)" : ""),
              s.keyRange(),
              SqlExplain.filterText(s.filter()),
              s.router());
      Map<String, Object> plan =
          a.plan() == null || a.plan().plan() == null || a.plan().plan().isEmpty()
              ? Map.of()
              : a.plan().plan().get(0);
      for (String c : List.of("type", "possible_keys", "key", "Extra")) {
        Object v = plan.get(c);
        row.put(c, v == null ? null : v.toString());
      }
      row.put("rows", rowsOf(plan.get("rows")));
      if (a.failure() != null) {
        row.put("Extra", "no plan from the shard: " + a.failure());
      }
      out.add(row);
    }
    return out;
  }

  /** MariaDB's row estimate: a number, or digits (older shard-servers pass its text on). */
  private static Long rowsOf(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    return v instanceof String t && t.matches("\\d{1,18}") ? Long.parseLong(t) : null;
  }

  private static Map<String, Object> row(
      String shard, String table, String access, String keys, String where, String router) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (String c : SqlExplain.COLUMNS) {
      row.put(c, null);
    }
    row.put("id", 1L);
    row.put("shard", shard);
    row.put("table", table);
    row.put("access", access);
    row.put("key_range", keys);
    row.put("pushed_where", where);
    row.put("router", router);
    return row;
  }
}
