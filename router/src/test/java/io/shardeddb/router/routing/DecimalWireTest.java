package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.schema.TableSchema;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Decimal crosses the router-to-shard hop as text, and comes back as an exact BigDecimal. */
class DecimalWireTest {
  static final String V = "1234567890123456789012345678.1234567890";
  static final TableSchema SCHEMA =
      TableSchema.fromContract(
          "t",
          null,
          new SchemaDoc(List.of("id", "gpa", "note"), List.of("Number", "Decimal", "String")));

  @Test
  void decimalsGoToTheShardAsPlainText() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 1L);
    row.put("gpa", new BigDecimal("1E-9"));
    row.put("note", "1.5");
    assertThat(DecimalWire.toShard(row))
        .containsExactly(
            Map.entry("id", 1L), Map.entry("gpa", "0.000000001"), Map.entry("note", "1.5"));
  }

  @Test
  void decimalColumnsComeBackAsBigDecimalWhetherSentAsTextOrNumber() {
    Map<String, Object> asText = new LinkedHashMap<>(Map.of("id", 1, "gpa", V, "note", "2.5"));
    Map<String, Object> asNumber = new LinkedHashMap<>(Map.of("id", 2, "gpa", 2.5, "note", "x"));
    List<Map<String, Object>> rows = DecimalWire.fromShard(SCHEMA, List.of(asText, asNumber));
    assertThat(rows.get(0).get("gpa")).isEqualTo(new BigDecimal(V));
    assertThat(rows.get(0).get("note")).isEqualTo("2.5");
    assertThat(rows.get(1).get("gpa")).isEqualTo(new BigDecimal("2.5"));
  }
}
