package io.shardeddb.router.http;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.InvalidRequestException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Map;

/**
 * Parses request bodies itself (controllers take the raw text) so that malformed JSON and wrong
 * types become the contract's 400 body naming the problem, never a framework error page.
 */
@Singleton
public class JsonBodies {
  private static final Argument<Map<String, Object>> OBJECT =
      Argument.mapOf(String.class, Object.class);

  private final JsonMapper json;

  public JsonBodies(JsonMapper json) {
    this.json = json;
  }

  /** The body as a JSON object. */
  public Map<String, Object> object(String body) {
    return parse(body, OBJECT);
  }

  /** The body as a {@code type} record. */
  public <T> T typed(String body, Class<T> type) {
    return parse(body, Argument.of(type));
  }

  private <T> T parse(String body, Argument<T> type) {
    if (body == null || body.isBlank()) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    String trimmed = body.stripLeading();
    if (!trimmed.startsWith("{")) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
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
