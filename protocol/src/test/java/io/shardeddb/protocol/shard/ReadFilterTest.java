package io.shardeddb.protocol.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A read filter's wire form: what the router sends is what the shard-server parses. */
class ReadFilterTest {
  @Test
  void aFilterSurvivesItsWireFormWithDecimalsAsText() {
    ReadFilter f =
        ReadFilter.node(
            "or",
            List.of(
                ReadFilter.leaf("gpa", ">=", List.of(new BigDecimal("3.50"))),
                ReadFilter.node(
                    "and",
                    List.of(
                        ReadFilter.leaf("name", "like", List.of("A%")),
                        ReadFilter.leaf("name", "is not null", null)))));
    Map<String, Object> wire = f.toWire();
    assertThat(wire.toString()).contains("values=[3.50]");
    ReadFilter back = ReadFilter.fromWire(wire);
    assertThat(back.of().get(1)).isEqualTo(f.of().get(1));
    assertThat(back.of().get(0).values()).containsExactly("3.50");
    assertThat(f.depth()).isEqualTo(3);
    // Five nodes and two values.
    assertThat(f.size()).isEqualTo(7);
  }

  @Test
  void onlyTheClosedSetOfOperatorsAndShapesIsAccepted() {
    assertThat(ReadFilter.fromWire(null)).isNull();
    assertThatThrownBy(
            () -> ReadFilter.fromWire(Map.of("op", "; DROP", "column", "c", "values", List.of(1))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("the operators are");
    assertThatThrownBy(() -> ReadFilter.fromWire(Map.of("op", "not", "of", List.of())))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'filter.op' is 'not'");
    assertThatThrownBy(
            () ->
                ReadFilter.fromWire(
                    Map.of(
                        "op",
                        "and",
                        "of",
                        List.of(Map.of("op", "in", "column", "c", "values", 5)))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'filter.of[0].values' must be a list");
    assertThatThrownBy(
            () ->
                ReadFilter.fromWire(
                    Map.of("op", "=", "column", "c", "values", List.of(List.of(1)))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("must be a number, string or boolean");
  }
}
