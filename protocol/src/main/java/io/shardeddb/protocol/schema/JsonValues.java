package io.shardeddb.protocol.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The values of {@link ColumnType#Json} columns: any JSON document, kept as its compact JSON text
 * (the form that travels in the log, is stored in MySQL's {@code JSON} column and is hashed by
 * checksums). A string given for a JSON column is parsed as JSON text, as MySQL does with {@code
 * INSERT ... VALUES ('{"a": 1}')}; an object or array (the HTTP API's nested JSON) is written out.
 */
public final class JsonValues {
  /** The largest JSON document a column accepts, in UTF-8 bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonValues() {}

  /** The compact JSON text of {@code value} for column {@code column}, or a 400 naming it. */
  public static String canonical(String column, Object value) {
    String text;
    try {
      Object tree = value instanceof CharSequence s ? JSON.readTree(s.toString()) : value;
      text = JSON.writeValueAsString(tree);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidRequestException(
          "field '" + column + "' must be a JSON document: " + firstLine(e.getMessage()));
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new InvalidRequestException(
          "field '" + column + "' is a JSON document larger than " + MAX_BYTES + " bytes");
    }
    return ColumnType.requireUnicode(column, text);
  }

  /**
   * The document of a stored JSON text as Java values (maps, lists, numbers, strings, booleans),
   * for replies that embed it as JSON rather than as a string; {@code null} stays null.
   */
  public static Object document(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      // Stored values were checked on the way in; show an unexpected one as it is.
      return text;
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "not valid JSON";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }
}
