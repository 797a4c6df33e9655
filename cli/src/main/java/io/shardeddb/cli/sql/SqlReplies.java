package io.shardeddb.cli.sql;

import io.shardeddb.cli.data.RowTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure: a {@code POST /query} reply as the shell prints it. A read (a reply with {@code data}) is a
 * table of the columns the reply names ({@code columns}, the SELECT's, in its order; a row's {@code
 * timestamp} field only when the SELECT named it so), or from a router older than that field the
 * schema's columns first in the schema's order and any other after, then {@code (N rows from sh1,
 * sh2)} as {@code find} prints it; anything else is the router's message and how many rows it
 * changed.
 */
public final class SqlReplies {
  private SqlReplies() {}

  /** The text for {@code reply}; {@code schema} is the table's column names in order. */
  public static String render(Map<String, Object> reply, List<String> schema) {
    StringBuilder out = new StringBuilder();
    Object data = reply.get("data");
    if (data instanceof List<?> list) {
      List<Map<String, Object>> rows = rows(list);
      List<String> named = named(reply.get("columns"));
      out.append(RowTable.render(named != null ? named : columns(rows, schema), rows));
      out.append('(').append(rows.size()).append(rows.size() == 1 ? " row" : " rows");
      if (reply.get("shards_queried") instanceof List<?> shards && !shards.isEmpty()) {
        out.append(" from ")
            .append(String.join(", ", shards.stream().map(String::valueOf).toList()));
      }
      out.append(")\n");
      return out.toString();
    }
    Object message = reply.get("message");
    out.append(message == null ? "OK" : message).append('\n');
    if (reply.get("rows_affected") instanceof Number n) {
      out.append('(')
          .append(n)
          .append(n.longValue() == 1 ? " row" : " rows")
          .append(" affected")
          .append(reply.get("executed_on") == null ? "" : " on " + reply.get("executed_on"))
          .append(")\n");
    }
    return out.toString();
  }

  /** The columns to show: the schema's that occur in a row, in its order, then the others. */
  static List<String> columns(List<Map<String, Object>> rows, List<String> schema) {
    if (rows.isEmpty()) {
      return schema;
    }
    Set<String> seen = new LinkedHashSet<>();
    rows.forEach(r -> seen.addAll(r.keySet()));
    List<String> out = new ArrayList<>();
    for (String c : schema) {
      if (seen.remove(c)) {
        out.add(c);
      }
    }
    out.addAll(seen);
    return out;
  }

  /** The reply's column names, or null when it names none (an older router). */
  private static List<String> named(Object columns) {
    if (!(columns instanceof List<?> list)) {
      return null;
    }
    return list.stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(List<?> data) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Object o : data) {
      if (o instanceof Map<?, ?> m) {
        rows.add((Map<String, Object>) m);
      }
    }
    return rows;
  }
}
