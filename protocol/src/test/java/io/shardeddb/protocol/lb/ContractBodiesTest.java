package io.shardeddb.protocol.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractBodiesTest {
  @Test
  void rangeUsesTheSchemasShardKeyAndAcceptsStrings() {
    assertThat(
            ContractBodies.range(Map.of("Stud_id", Map.of("low", 1000, "high", "8889")), "Stud_id"))
        .isEqualTo(new KeyRange(1000, 8889));
    assertThat(ContractBodies.range(Map.of("id", Map.of("low", 1, "high", 2)), "id"))
        .isEqualTo(new KeyRange(1, 2));
  }

  @Test
  void badRangesNameTheProblem() {
    assertThatThrownBy(() -> ContractBodies.range(Map.of(), "Stud_id"))
        .hasMessageContaining("missing field 'Stud_id'");
    assertThatThrownBy(
            () -> ContractBodies.range(Map.of("Stud_id", Map.of("low", 9, "high", 1)), "Stud_id"))
        .hasMessage("range Stud_id.low (9) is greater than high (1)");
    assertThatThrownBy(() -> ContractBodies.range(Map.of("Stud_id", Map.of("low", 9)), "Stud_id"))
        .hasMessage("missing field 'Stud_id.high'");
    assertThatThrownBy(() -> ContractBodies.range(Map.of("Stud_id", 5), "Stud_id"))
        .hasMessageContaining("must be an object");
  }

  @Test
  void keyAndUpdateData() {
    assertThat(ContractBodies.key(Map.of("Stud_id", "2255"), "Stud_id")).isEqualTo(2255L);
    assertThatThrownBy(() -> ContractBodies.key(Map.of("Stud_id", "abc"), "Stud_id"))
        .hasMessageContaining("field 'Stud_id' must be a Number");
    assertThatThrownBy(() -> ContractBodies.updateData(Map.of("Stud_id", 1)))
        .hasMessage("missing field 'data'");
  }
}
