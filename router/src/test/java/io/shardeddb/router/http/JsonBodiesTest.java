package io.shardeddb.router.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Free-form bodies keep every digit of a fraction and refuse a field named twice. */
class JsonBodiesTest {
  final JsonBodies bodies = new JsonBodies(null);

  @Test
  void fractionsAreReadAsExactBigDecimals() {
    Map<String, Object> body =
        bodies.object(
            "{\"data\":[{\"gpa\":1234567890123456789012345678.1234567890,\"n\":12,\"s\":\"x\"}]}");
    @SuppressWarnings("unchecked")
    Map<String, Object> row = ((List<Map<String, Object>>) body.get("data")).get(0);
    assertThat(row.get("gpa")).isEqualTo(new BigDecimal("1234567890123456789012345678.1234567890"));
    assertThat(((Number) row.get("n")).longValue()).isEqualTo(12L);
    assertThat(row.get("s")).isEqualTo("x");
  }

  @Test
  void malformedOrDuplicatedInputIsA400() {
    assertThatThrownBy(() -> bodies.object("{\"a\":1,\"a\":2}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> bodies.object("{\"a\":1} {}"))
        .hasMessageContaining("content after the object");
    assertThatThrownBy(() -> bodies.object("{\"a\": [1, "))
        .hasMessageStartingWith("malformed JSON body");
    assertThatThrownBy(() -> bodies.object("[1]")).hasMessage("request body must be a JSON object");
  }
}
