package io.shardeddb.shardserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP/JSON client for the tests: real requests over loopback, replies as JSON trees. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** A reply: status code, raw body and the body parsed as JSON (null when it is not JSON). */
  record Reply(int status, String raw, JsonNode json) {
    String message() {
      return json == null ? null : json.path("message").asText(null);
    }
  }

  private Http() {}

  static Reply get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  static Reply post(String url, String json) {
    return send(withBody(url, "POST", json));
  }

  static Reply put(String url, String json) {
    return send(withBody(url, "PUT", json));
  }

  static Reply delete(String url, String json) {
    return send(withBody(url, "DELETE", json));
  }

  /** Serializes {@code value} with Jackson (records and maps). */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpRequest.Builder withBody(String url, String method, String json) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json));
  }

  private static Reply send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> resp =
          CLIENT.send(
              builder.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode node;
      try {
        node = resp.body().isEmpty() ? null : JSON.readTree(resp.body());
      } catch (IOException e) {
        node = null;
      }
      return new Reply(resp.statusCode(), resp.body(), node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
