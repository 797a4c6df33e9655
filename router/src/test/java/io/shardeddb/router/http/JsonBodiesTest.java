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

  /**
   * The hot path's byte parse ({@code /read}, {@code /write}) answers every body exactly as the
   * text parse: the same map, or the same 400 with the same message — well-formed or not, ASCII or
   * not, in UTF-8 or another charset.
   */
  @Test
  void theByteParseAnswersEveryBodyAsTheTextParse() {
    List<String> bodiesToTry =
        List.of(
            "{\"data\":[{\"Stud_id\":1,\"Stud_name\":\"A\",\"gpa\":3.1400000000}]}",
            "  \n\t{\"Stud_id\":{\"low\":5,\"high\":5}}  ",
            "{\"Stud_id\":{\"low\":\"7\",\"high\":9},\"consistency\":\"any\"}",
            "{\"name\":\"Zoë ☃ 𝄞\"}",
            "{\"s\":\"\\ud800\"}",
            "\uFEFF{\"a\":1}",
            "\u2003{\"a\":1}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":1} {}",
            "{\"a\": [1, ",
            "{\"é\": [1, ",
            "{\"a\":tru}",
            "{\"data\": [ {\"Stud_id\": ",
            "[1,2]",
            "",
            "   ",
            "{}",
            "{\"n\":123456789012345678901234567890}");
    for (String text : bodiesToTry) {
      for (java.nio.charset.Charset cs :
          List.of(
              java.nio.charset.StandardCharsets.UTF_8, java.nio.charset.StandardCharsets.UTF_16)) {
        byte[] raw = text.getBytes(cs);
        assertThat(outcome(() -> bodies.object(raw, cs)))
            .as("%s in %s", text, cs)
            .isEqualTo(outcome(() -> bodies.object(text)));
      }
    }
    byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
    String decoded = new String(invalidUtf8, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(outcome(() -> bodies.object(invalidUtf8, java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo(outcome(() -> bodies.object(decoded)));
    assertThat(outcome(() -> bodies.object(null, java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo("400 request body must be a JSON object");
  }

  /** What parsing gave: the map's text, or the 400's message. */
  static String outcome(java.util.function.Supplier<Map<String, Object>> parse) {
    try {
      return "ok " + parse.get();
    } catch (InvalidRequestException e) {
      return "400 " + e.getMessage();
    }
  }
}
