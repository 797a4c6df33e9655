package io.shardeddb.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A raw HTTP client for tests: sends exactly the bytes a legacy client would (including malformed
 * JSON and GET with a body) and returns the status and the parsed JSON body.
 */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A reply: the HTTP status and the body parsed as JSON (null when not JSON). */
  public record Reply(int status, JsonNode json, String text) {
    /** The {@code message} field as text. */
    public String message() {
      return json == null || json.get("message") == null ? null : json.get("message").asText();
    }
  }

  private final String base;
  private final String token;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** The same client with another bearer token (null for none). */
  public Http withToken(String other) {
    return new Http(base, other);
  }

  public Reply get(String path) {
    return send("GET", path, null);
  }

  /** Sends {@code body} (a JSON string, sent as is) with {@code method}. */
  public Reply send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = r.body().isBlank() ? null : JSON.readTree(r.body());
      } catch (IOException e) {
        json = null;
      }
      return new Reply(r.statusCode(), json, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Parses a JSON literal, for comparing whole bodies. */
  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
