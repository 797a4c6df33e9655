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

  /** The shard credential every test replica accepts unless a test configures others. */
  static final String TOKEN = "test-shard-credential";

  private Http() {}

  /** Sends a request with this {@code Authorization} header (null: none) instead of the test's. */
  static Reply sendWithAuthorization(String method, String url, String json, String authorization) {
    HttpRequest.Builder b =
        json == null
            ? HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody())
            : withBody(url, method, json);
    return exchange(b, authorization);
  }

  static Reply get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  static Reply post(String url, String json) {
    return send(withBody(url, "POST", json));
  }

  /** POSTs {@code json} with one extra request header. */
  static Reply post(String url, String json, String header, String value) {
    return send(withBody(url, "POST", json).header(header, value));
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
    return exchange(builder, "Bearer " + TOKEN);
  }

  private static Reply exchange(HttpRequest.Builder builder, String authorization) {
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
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
