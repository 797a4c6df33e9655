package io.shardeddb.shardserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.ColumnType;
import io.shardeddb.protocol.schema.TableSchema;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowValuesTest {
  private final RowValues values =
      new RowValues(
          new TableSchema(
              "t",
              "id",
              List.of(
                  new Column("id", ColumnType.Number),
                  new Column("name", ColumnType.String),
                  new Column("price", ColumnType.Decimal),
                  new Column("ok", ColumnType.Boolean))));

  @Test
  void decimalsTravelAsExactTextWithoutTrailingZeros() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 1L);
    row.put("price", new BigDecimal("100.5000000000"));
    row.put("round", new BigDecimal("1.00E+2"));

    assertThat(RowValues.toWire(row))
        .containsExactly(
            Map.entry("id", 1L), Map.entry("price", "100.5"), Map.entry("round", "100"));
  }

  @Test
  void theChecksumTextIsTypedInColumnOrderAndUnitSeparated() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("ok", true);
    row.put("price", new BigDecimal("2.50"));
    row.put("id", 7L);
    row.put("name", "7");

    assertThat(values.canonical(row)).isEqualTo("7\u001fs:7\u001f2.5\u001ftrue\u001f\n");
  }

  @Test
  void aMissingStringIsNotMarkedAsAString() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 7L);

    assertThat(values.canonical(row)).isEqualTo("7\u001fnull\u001fnull\u001fnull\u001f\n");
  }
}
