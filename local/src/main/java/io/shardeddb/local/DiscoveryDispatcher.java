package io.shardeddb.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers what plain {@code kubectl} needs besides the objects themselves — discovery and the
 * OpenAPI v3 documents {@code apply} asks for ({@link LocalDiscovery}; 404 for OpenAPI v2), custom
 * resources as Tables for {@code get} ({@link TableView}), and the lines of its HTTP watches
 * ({@link LocalApiServer}) — and hands every other request to the CRUD dispatcher.
 */
final class DiscoveryDispatcher extends Dispatcher implements LocalApiServer.WatchEvents {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Dispatcher crud;
  private final LocalDiscovery discovery;
  private final Supplier<String> serverAddress;
  private final Clock clock;

  DiscoveryDispatcher(Dispatcher crud, LocalDiscovery discovery, Supplier<String> serverAddress) {
    this(crud, discovery, serverAddress, Clock.systemUTC());
  }

  DiscoveryDispatcher(
      Dispatcher crud, LocalDiscovery discovery, Supplier<String> serverAddress, Clock clock) {
    this.crud = crud;
    this.discovery = discovery;
    this.serverAddress = serverAddress;
    this.clock = clock;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if ("GET".equals(request.getMethod())) {
      if (path.equals("/openapi") || path.startsWith("/openapi/")) {
        String p = path;
        return discovery.openApiV3(path).map(DiscoveryDispatcher::ok).orElseGet(() -> notFound(p));
      }
      if (LocalDiscovery.isDiscoveryPath(path)) {
        return discovery
            .document(path, serverAddress.get())
            .map(DiscoveryDispatcher::ok)
            .orElseGet(() -> notFound(request.getPath()));
      }
    }
    if (path.matches("/api/v1/namespaces/[^/]+/pods/[^/]+/(log|exec|attach|portforward|proxy)")) {
      return notFound(
          path
              + " (local mode runs pods as processes: their output is in logs/<pod>.log under"
              + " the data directory)");
    }
    String query = q >= 0 ? request.getPath().substring(q + 1) : "";
    if ("GET".equals(request.getMethod())
        && path.matches("/api/v1/namespaces/[^/]+/events")
        && query.contains("involvedObject.")
        && !query.contains("watch=true")) {
      return eventsOf(request, path, query);
    }
    if ("GET".equals(request.getMethod())
        && WatchQuery.param(query, "watch").isEmpty()
        && TableView.wanted(request.getHeader("Accept"))) {
      Optional<LocalDiscovery.CustomResourcePath> custom = discovery.customResource(path);
      if (custom.isPresent()) {
        return asTable(crud.dispatch(request), custom.get(), query);
      }
    }
    String contentType = request.getHeader("Content-Type");
    MockResponse written;
    try {
      if ("PATCH".equals(request.getMethod())
          && contentType != null
          && contentType.contains("merge-patch+json")) {
        written = crud.dispatch(asJsonPatch(request, path));
      } else {
        written = crud.dispatch(request);
      }
    } catch (JsonPatchException e) {
      // The store's patch handler throws when a JSON patch cannot be applied (a failed "test",
      // a path that is not there); the API server answers 422. Thrown, nothing answered and the
      // client waited for its timeout, then retried (the operator's reconcile thread hung).
      return invalid(e.getMessage());
    }
    if (SECRET_WRITE.matcher(path).matches()
        && ("POST".equals(request.getMethod())
            || "PUT".equals(request.getMethod())
            || "PATCH".equals(request.getMethod()))) {
      written = foldStringData(request, written);
    }
    return withJsonType(written);
  }

  /** A Secret's collection (create) or one Secret (replace, patch). */
  private static final java.util.regex.Pattern SECRET_WRITE =
      java.util.regex.Pattern.compile("/api/v1/namespaces/[^/]+/secrets(/[^/]+)?");

  /**
   * A written Secret with its {@code stringData} moved into {@code data} (base64), as the API
   * server does on every write: {@code stringData} is write-only there, so a reader (the pod
   * runner's projection of Secret volumes, the operator) sees the values in {@code data} only, and
   * {@code kubectl patch secret ... -p '{"stringData":...}'} (a token rotation) changes the mounted
   * files; a key in both takes {@code stringData}'s value, as there. The store keeps what it was
   * given, so the folded object is written again over it; the reply is that second write's. Nothing
   * to fold, or an error: the reply as it was.
   */
  private MockResponse foldStringData(RecordedRequest request, MockResponse written) {
    // The store answers 201 to a create, 200 to a replace and 202 to a patch.
    if (written.code() / 100 != 2 || written.getBody() == null) {
      return written;
    }
    try {
      JsonNode node = JSON.readTree(written.getBody().getBytes());
      if (!(node instanceof ObjectNode secret)
          || !(secret.get("stringData") instanceof ObjectNode stringData)
          || stringData.isEmpty()) {
        return written;
      }
      ObjectNode data = secret.get("data") instanceof ObjectNode d ? d : secret.putObject("data");
      stringData
          .fields()
          .forEachRemaining(
              e ->
                  data.put(
                      e.getKey(),
                      java.util.Base64.getEncoder()
                          .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      secret.remove("stringData");
      String name = secret.path("metadata").path("name").asText();
      String namespace = secret.path("metadata").path("namespace").asText();
      return crud.dispatch(
          new RecordedRequest(
              request.getHttpVersion(),
              io.fabric8.mockwebserver.dsl.HttpMethod.PUT,
              "/api/v1/namespaces/" + namespace + "/secrets/" + name,
              request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
              new io.fabric8.mockwebserver.http.Buffer(JSON.writeValueAsBytes(secret))));
    } catch (IOException e) {
      return written;
    }
  }

  private static MockResponse withJsonType(MockResponse response) {
    if (response.getWebSocketListener() == null && response.header("Content-Type") == null) {
      // The CRUD store answers JSON without saying so; client-go then reads a reply to a request
      // that accepted protobuf first (kubectl describe's events list) as protobuf and fails.
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  /**
   * A merge patch rewritten as the JSON patch that does the same to the stored object ({@link
   * MergePatch}); the request unchanged when the object cannot be read (the store then answers with
   * its own error).
   */
  private RecordedRequest asJsonPatch(RecordedRequest request, String path) {
    MockResponse current =
        crud.dispatch(
            new RecordedRequest(
                request.getHttpVersion(),
                io.fabric8.mockwebserver.dsl.HttpMethod.GET,
                path,
                request.getHeaders().newBuilder().removeAll("Content-Type").build(),
                new io.fabric8.mockwebserver.http.Buffer()));
    if (current.code() != 200 || current.getBody() == null) {
      return request;
    }
    try {
      JsonNode target = JSON.readTree(current.getBody().getBytes());
      JsonNode patch = JSON.readTree(request.getBody().getBytes());
      byte[] body = JSON.writeValueAsBytes(MergePatch.toJsonPatch(target, patch));
      return new RecordedRequest(
          request.getHttpVersion(),
          request.method(),
          request.getPath(),
          request
              .getHeaders()
              .newBuilder()
              .set("Content-Type", "application/json-patch+json")
              .build(),
          new io.fabric8.mockwebserver.http.Buffer(body));
    } catch (IOException e) {
      return request;
    }
  }

  /**
   * The events list filtered by {@code involvedObject.*} field selectors (kubectl describe's
   * query), which the CRUD store cannot evaluate: it answers every such query with no events.
   */
  private MockResponse eventsOf(RecordedRequest request, String path, String query) {
    Map<String, String> wanted = new LinkedHashMap<>();
    for (String param : query.split("&")) {
      if (param.startsWith("fieldSelector=")) {
        String selector =
            URLDecoder.decode(param.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
        for (String term : selector.split(",")) {
          int eq = term.indexOf('=');
          if (eq > 0) {
            wanted.put(term.substring(0, eq), term.substring(eq + 1).replaceFirst("^=", ""));
          }
        }
      }
    }
    MockResponse all =
        crud.dispatch(
            new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders(),
                request.getBody()));
    try {
      JsonNode list = JSON.readTree(all.getBody().getBytes());
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode event : list.path("items")) {
        boolean match = true;
        for (Map.Entry<String, String> w : wanted.entrySet()) {
          JsonNode field = event;
          for (String part : w.getKey().split("\\.")) {
            field = field.path(part);
          }
          match &= field.asText("").equals(w.getValue());
        }
        if (match) {
          kept.add(event);
        }
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("apiVersion", "v1");
      out.put("kind", "EventList");
      out.set("metadata", list.path("metadata"));
      out.set("items", kept);
      return ok(JSON.writeValueAsString(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A custom resource's list or object as the Table kubectl's {@code get} asks for, so that it
   * prints the CRD's printer columns (the store knows nothing of Tables); errors pass as they are.
   */
  private MockResponse asTable(
      MockResponse stored, LocalDiscovery.CustomResourcePath custom, String query) {
    if (stored.code() != 200) {
      stored.setHeader("Content-Type", "application/json");
      return stored;
    }
    try {
      JsonNode body = JSON.readTree(stored.getBody().getBytes());
      List<JsonNode> objects = new ArrayList<>();
      if (custom.collection()) {
        body.path("items").forEach(objects::add);
      } else {
        objects.add(body);
      }
      return ok(
          JSON.writeValueAsString(
              TableView.table(
                  custom.columns(),
                  objects,
                  body.path("metadata").path("resourceVersion").asText(""),
                  WatchQuery.param(query, "includeObject").orElse("Metadata"),
                  clock.instant())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An HTTP watch's events: the mock's replay of objects the client listed already is dropped
   * ({@link WatchQuery#delivers}), and a custom resource's object becomes a one-row Table when the
   * request asked for Tables, as kube-apiserver streams them to {@code kubectl get -w}.
   */
  @Override
  public Function<String, Optional<String>> forRequest(RecordedRequest request) {
    String full = request.getPath();
    int q = full.indexOf('?');
    String path = q >= 0 ? full.substring(0, q) : full;
    String query = q >= 0 ? full.substring(q + 1) : "";
    WatchQuery watch = WatchQuery.parse(query);
    Optional<LocalDiscovery.CustomResourcePath> table =
        TableView.wanted(request.getHeader("Accept"))
            ? discovery.customResource(path)
            : Optional.empty();
    String includeObject = WatchQuery.param(query, "includeObject").orElse("Metadata");
    return message -> {
      try {
        JsonNode event = JSON.readTree(message);
        String type = event.path("type").asText("");
        JsonNode object = event.path("object");
        if (!watch.delivers(type, object.path("metadata").path("resourceVersion").asText(""))) {
          return Optional.empty();
        }
        if (table.isEmpty() || !object.isObject() || "ERROR".equals(type)) {
          // Re-written compactly: one event per line whatever the mock's formatting.
          return Optional.of(JSON.writeValueAsString(event));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("type", type);
        out.set(
            "object",
            TableView.table(
                table.get().columns(),
                List.of(object),
                object.path("metadata").path("resourceVersion").asText(""),
                includeObject,
                clock.instant()));
        return Optional.of(JSON.writeValueAsString(out));
      } catch (IOException e) {
        // Not JSON: the mock sends nothing else on a watch; pass it on as one line.
        return Optional.of(message.replace('\n', ' '));
      }
    };
  }

  private static MockResponse ok(String body) {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  private static MockResponse invalid(String why) {
    String message =
        "the server rejected our request due to an error in our request: "
            + String.valueOf(why).replace("\\", "").replace("\"", "'").replace("\n", " ");
    return new MockResponse()
        .setResponseCode(422)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Invalid\","
                + "\"code\":422,\"message\":\""
                + message
                + "\"}");
  }

  private static MockResponse notFound(String path) {
    return new MockResponse()
        .setResponseCode(404)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
                + "\"code\":404,\"message\":\"the server could not find the requested resource "
                + path.replace("\"", "")
                + "\"}");
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
