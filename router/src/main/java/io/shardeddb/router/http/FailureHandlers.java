package io.shardeddb.router.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.topology.StaleTopologyException;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the router's own failures into the contract's failure body with the right status. */
final class FailureHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandlers.class);

  // A fixed set keeps the error counter's cardinality bounded whatever paths clients send.
  private static final Set<String> ENDPOINTS =
      Set.of(
          "/init",
          "/status",
          "/add",
          "/rm",
          "/read",
          "/write",
          "/update",
          "/del",
          "/admin/topology");

  private FailureHandlers() {}

  static HttpResponse<MessageResponse> respond(
      RouterMetrics metrics, HttpRequest<?> request, Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    Failure failure = Failure.of(e, LOG, request.getMethod() + " " + request.getPath());
    metrics.error(endpoint(request.getPath()), failure.status());
    return HttpResponse.<MessageResponse>status(HttpStatus.valueOf(failure.status()))
        .body(MessageResponse.failure(failure.message()));
  }

  /** The metric tag for a path: known endpoints by name, anything else as one bucket. */
  static String endpoint(String path) {
    return ENDPOINTS.contains(path) ? path : "other";
  }

  /**
   * One handler per exception type (Micronaut picks handlers by their type argument); all answer
   * through {@link #respond} and count the error.
   */
  abstract static class Handler<E extends Throwable>
      implements ExceptionHandler<E, HttpResponse<MessageResponse>> {
    private final RouterMetrics metrics;

    Handler(RouterMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public HttpResponse<MessageResponse> handle(HttpRequest request, E e) {
      return respond(metrics, request, e);
    }
  }

  /** {@link ApiException}: its own status. */
  @Singleton
  static class Api extends Handler<ApiException> {
    Api(RouterMetrics metrics) {
      super(metrics);
    }
  }

  /** {@link InvalidRequestException}: 400 naming the problem. */
  @Singleton
  static class Invalid extends Handler<InvalidRequestException> {
    Invalid(RouterMetrics metrics) {
      super(metrics);
    }
  }

  /** {@link StaleTopologyException}: 409. */
  @Singleton
  static class Stale extends Handler<StaleTopologyException> {
    Stale(RouterMetrics metrics) {
      super(metrics);
    }
  }

  /** A failed future (the admin's): unwrapped and answered by its cause. */
  @Singleton
  static class Completion extends Handler<CompletionException> {
    Completion(RouterMetrics metrics) {
      super(metrics);
    }
  }
}
