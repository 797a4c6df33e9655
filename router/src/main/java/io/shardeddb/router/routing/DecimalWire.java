package io.shardeddb.router.routing;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries Decimal values exactly across the router-to-shard hop: as plain text on the way to the
 * shard-server (whose JSON reader would otherwise turn a fraction into a double and lose digits),
 * and back to {@link BigDecimal} on the way to the client, whether the shard-server sent text or a
 * number.
 */
final class DecimalWire {
  private DecimalWire() {}

  /** {@code row} with every BigDecimal as its plain text (no exponent). */
  static Map<String, Object> toShard(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    row.forEach((k, v) -> out.put(k, v instanceof BigDecimal d ? d.toPlainString() : v));
    return out;
  }

  /** {@code rows} with each Decimal column's value as a BigDecimal. */
  static List<Map<String, Object>> fromShard(TableSchema schema, List<Map<String, Object>> rows) {
    if (schema == null || rows.isEmpty()) {
      return rows;
    }
    List<Column> decimals =
        schema.columns().stream().filter(c -> c.type() == ColumnType.Decimal).toList();
    if (decimals.isEmpty()) {
      return rows;
    }
    return rows.stream()
        .map(
            row -> {
              Map<String, Object> out = new LinkedHashMap<>(row);
              for (Column c : decimals) {
                Object v = out.get(c.name());
                if (v instanceof String || v instanceof Number && !(v instanceof BigDecimal)) {
                  out.put(c.name(), new BigDecimal(v.toString()));
                }
              }
              return out;
            })
        .toList();
  }
}
