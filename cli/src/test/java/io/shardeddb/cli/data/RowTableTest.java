package io.shardeddb.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowTableTest {

  @Test
  void columnsFollowTheSchemaOrderAndAreAligned() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("name", "Ada");
    a.put("id", 1);
    Map<String, Object> b = Map.of("id", 20000, "name", "Bo");

    String table = RowTable.render(List.of("id", "name"), List.of(a, b));

    assertThat(table).isEqualTo("ID     NAME\n1      Ada\n20000  Bo\n");
  }

  @Test
  void decimalsKeepEveryDigitAndMissingValuesShowAsADash() {
    BigDecimal big = new BigDecimal("1234567890123456789012345678.0123456789");
    String table =
        RowTable.render(List.of("id", "amount", "note"), List.of(Map.of("id", 1, "amount", big)));

    assertThat(table).contains("1234567890123456789012345678.0123456789").contains(" -");
  }

  @Test
  void aLineBreakInsideAValueDoesNotBreakTheTable() {
    String table = RowTable.render(List.of("id", "note"), List.of(Map.of("id", 1, "note", "a\nb")));

    assertThat(table.lines()).hasSize(2);
    assertThat(table).contains("a\\nb");
  }
}
