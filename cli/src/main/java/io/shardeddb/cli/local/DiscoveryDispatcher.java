package io.shardeddb.cli.local;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.function.Supplier;

/**
 * Answers what plain {@code kubectl} needs besides the objects themselves — discovery and the
 * OpenAPI v3 documents {@code apply} asks for ({@link LocalDiscovery}; 404 for OpenAPI v2) — and
 * hands every other request to the CRUD dispatcher.
 */
final class DiscoveryDispatcher extends Dispatcher {
  private final Dispatcher crud;
  private final LocalDiscovery discovery;
  private final Supplier<String> serverAddress;

  DiscoveryDispatcher(Dispatcher crud, LocalDiscovery discovery, Supplier<String> serverAddress) {
    this.crud = crud;
    this.discovery = discovery;
    this.serverAddress = serverAddress;
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
    MockResponse response = crud.dispatch(request);
    if (response.getWebSocketListener() == null && response.header("Content-Type") == null) {
      // The CRUD store answers JSON without saying so; client-go then reads a reply to a request
      // that accepted protobuf first (kubectl describe's events list) as protobuf and fails.
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  private static MockResponse ok(String body) {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
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
