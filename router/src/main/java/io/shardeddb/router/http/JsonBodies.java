package io.shardeddb.router.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses request bodies itself (controllers take the raw text or bytes) so that malformed JSON and
 * wrong types become the contract's 400 body naming the problem, never a framework error page.
 * Free-form bodies (rows, ranges) are read with fractions as {@link java.math.BigDecimal}, so a
 * Decimal's digits are never rounded through a double, and a field named twice is refused.
 */
@Singleton
public class JsonBodies {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final JsonMapper json;

  public JsonBodies(JsonMapper json) {
    this.json = json;
  }

  /**
   * The body's bytes, in {@code charset}, as a JSON object, exactly as {@link #object(String)} would
   * answer for their text — the same map, or the same 400 and message. The hot path ({@code /read},
   * {@code /write}): a UTF-8 body of ASCII only that starts with {@code {} (what the assignment's
   * clients send) is parsed straight from the bytes, without making a String of it first; any other
   * body, and any body that does not parse so, goes the text way, so every answer to bad input stays
   * that one's (Jackson's byte parser reads non-ASCII and names positions its own way).
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> object(byte[] body, Charset charset) {
    if (body != null && StandardCharsets.UTF_8.equals(charset) && asciiObject(body)) {
      try (JsonParser p = FACTORY.createParser(body)) {
        p.nextToken();
        Object value = value(p);
        if (p.nextToken() == null && value instanceof Map) {
          return (Map<String, Object>) value;
        }
      } catch (IOException | RuntimeException e) {
        // Not a well-formed object: the text way below gives the answer, message and all.
      }
    }
    return object(body == null ? null : new String(body, charset));
  }

  /** Whether {@code body} is ASCII only and its first non-blank character is {@code {}. */
  static boolean asciiObject(byte[] body) {
    int first = -1;
    for (int i = 0; i < body.length; i++) {
      byte b = body[i];
      if (b < 0) {
        return false;
      }
      if (first < 0 && !Character.isWhitespace((char) b)) {
        first = b;
      }
    }
    return first == '{';
  }

  /** The body as a JSON object. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> object(String body) {
    requireObjectText(body);
    try (JsonParser p = FACTORY.createParser(body)) {
      p.nextToken();
      Object value = value(p);
      if (p.nextToken() != null) {
        throw new InvalidRequestException("malformed JSON body: content after the object");
      }
      return (Map<String, Object>) value;
    } catch (IOException e) {
      throw new InvalidRequestException("malformed JSON body: " + firstLine(e.getMessage()));
    }
  }

  /** The current value: objects in field order, arrays, text, integers, exact fractions. */
  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new InvalidRequestException("malformed JSON body: unexpected end of input");
    }
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p));
        }
        yield m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new InvalidRequestException("malformed JSON body: unexpected " + t);
    };
  }

  /** The body as a {@code type} record. */
  public <T> T typed(String body, Class<T> type) {
    return parse(body, Argument.of(type));
  }

  private static void requireObjectText(String body) {
    if (body == null || body.isBlank() || !body.stripLeading().startsWith("{")) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
  }

  private <T> T parse(String body, Argument<T> type) {
    requireObjectText(body);
    try {
      T value = json.readValue(body, type);
      if (value == null) {
        throw new InvalidRequestException("request body must be a JSON object");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidRequestException i) {
        throw i;
      }
      throw new InvalidRequestException("malformed JSON body: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot parse";
    }
    String line = message.lines().findFirst().orElse(message);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
