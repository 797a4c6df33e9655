package io.shardeddb.local;

import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * fabric8's mock web server, listening itself so that it can also answer watches as plain HTTP
 * streams. The mock serves watches only over WebSocket (fabric8's clients upgrade); kubectl and
 * client-go send a plain {@code GET ?watch=true} and expect a chunked stream of JSON events, which
 * the mock refuses with 400. Here such a request is dispatched to the same store as usual, and its
 * watch listener is handed an {@link HttpWatchStream} instead of a WebSocket; every other request
 * (WebSocket watches included) goes through the mock's own request handler unchanged. Before
 * either, every request must carry the cluster's {@link LocalApiToken} ({@code Authorization:
 * Bearer}); one without it gets 401 and the Status a real API server sends, and reaches neither the
 * store nor discovery.
 */
final class LocalApiServer extends MockWebServer {
  /** The WebSocket subprotocols the mock accepts (Kubernetes' exec/attach channels). */
  private static final List<String> SUBPROTOCOLS =
      List.of("v1.channel.k8s.io", "v2.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io");

  /** Turns the mock's watch messages into the lines a client gets; see {@link WatchEvents}. */
  interface WatchEvents {
    /** For one watch request: the line to send for a mock event, or empty to drop the event. */
    Function<String, Optional<String>> forRequest(RecordedRequest request);
  }

  /** kube-apiserver's answer to a request it cannot authenticate. */
  private static final String UNAUTHORIZED =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";

  private final Vertx vertx = Vertx.vertx();
  private final LocalApiToken token;
  private final LocalApiTls tls;
  private final WatchEvents watchEvents;
  private final Set<HttpWatchStream> streams = ConcurrentHashMap.newKeySet();
  private volatile Dispatcher dispatcher;
  private HttpServer http;

  /** Stays true after shutdown, as in the superclass: a stopped server is not started again. */
  private boolean started;

  private InetAddress address;
  private int port;

  LocalApiServer(LocalApiToken token, LocalApiTls tls, WatchEvents watchEvents) {
    this.token = token;
    this.tls = tls;
    this.watchEvents = watchEvents;
  }

  @Override
  public void setDispatcher(Dispatcher dispatcher) {
    super.setDispatcher(dispatcher);
    this.dispatcher = dispatcher;
  }

  @Override
  public synchronized void start(InetAddress inetAddress, int port) {
    if (started) {
      throw new IllegalStateException("start() already called");
    }
    HttpServerRequestHandler mock =
        new HttpServerRequestHandler(vertx) {
          @Override
          protected MockResponse onHttpRequest(RecordedRequest request) {
            return dispatcher.dispatch(request);
          }
        };
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(inetAddress.getHostAddress())
            .setPort(port)
            .setWebSocketSubProtocols(SUBPROTOCOLS)
            .setHandle100ContinueAutomatically(true)
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(tls.certificatePem()))
                    .setKeyValue(Buffer.buffer(tls.keyPem())));
    HttpServer server =
        vertx
            .createHttpServer(options)
            .requestHandler(
                request -> {
                  if (!token.admits(request.getHeader("Authorization"))) {
                    unauthorized(request);
                  } else if (WatchQuery.isHttpWatch(
                      request.method().name(), request.query(), request.getHeader("Upgrade"))) {
                    watch(request);
                  } else {
                    mock.handle(request);
                  }
                });
    await(server.listen(), "cannot listen on " + inetAddress.getHostAddress() + ":" + port);
    this.http = server;
    this.started = true;
    this.address = inetAddress;
    this.port = server.actualPort();
  }

  private static void unauthorized(HttpServerRequest request) {
    request
        .response()
        .setStatusCode(401)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-cache, private")
        .end(UNAUTHORIZED);
  }

  private void watch(HttpServerRequest request) {
    RecordedRequest recorded =
        new RecordedRequest(
            request.version().alpnName().toUpperCase(Locale.ROOT),
            io.fabric8.mockwebserver.dsl.HttpMethod.GET,
            request.uri(),
            Headers.builder().addAll(request.headers()).build(),
            new io.fabric8.mockwebserver.http.Buffer());
    MockResponse answer = dispatcher.dispatch(recorded);
    HttpServerResponse response = request.response();
    WebSocketListener listener = answer.getWebSocketListener();
    if (listener == null) {
      // Not a watch the store can serve (an error, an unknown kind): its answer as is.
      response.setStatusCode(answer.code());
      answer.getHeaders().toMultimap().forEach(response::putHeader);
      response.end(Buffer.buffer(answer.getBody().getBytes()));
      return;
    }
    WatchQuery query = WatchQuery.parse(request.query());
    HttpWatchStream stream =
        new HttpWatchStream(recorded, response, watchEvents.forRequest(recorded), listener, vertx);
    streams.add(stream);
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-cache, private");
    response.closeHandler(v -> closed(stream, "client went away"));
    response.exceptionHandler(e -> closed(stream, "write failed: " + e.getMessage()));
    long timer =
        query.timeoutSeconds() > 0
            ? vertx.setTimer(
                TimeUnit.SECONDS.toMillis(query.timeoutSeconds()), id -> closed(stream, "timeout"))
            : -1;
    response.endHandler(
        v -> {
          vertx.cancelTimer(timer);
          streams.remove(stream);
        });
    // The headers go out now, so the client sees its watch established before the first event.
    response.writeHead();
    listener.onOpen(stream, answer);
  }

  private void closed(HttpWatchStream stream, String reason) {
    streams.remove(stream);
    stream.end(reason);
  }

  /** Open HTTP watches (for tests: each ends when its client goes away). */
  int openWatches() {
    return (int) streams.stream().filter(s -> !s.ended()).count();
  }

  @Override
  public int getPort() {
    ensureStarted();
    return port;
  }

  @Override
  public String getHostName() {
    ensureStarted();
    return address.getHostAddress();
  }

  @Override
  public Proxy toProxyAddress() {
    return new Proxy(Proxy.Type.HTTP, new InetSocketAddress(getHostName(), getPort()));
  }

  private synchronized void ensureStarted() {
    if (!started) {
      start(InetAddress.getLoopbackAddress(), 0);
    }
  }

  @Override
  public synchronized void shutdown() {
    if (http == null) {
      return;
    }
    for (HttpWatchStream stream : List.copyOf(streams)) {
      streams.remove(stream);
      stream.endNow("server stopped");
    }
    if (dispatcher != null) {
      dispatcher.shutdown();
    }
    await(http.close(), "cannot close the local API server");
    await(vertx.close(), "cannot close Vert.x");
    closeInheritedVertx();
    http = null;
  }

  /**
   * The superclass made a Vert.x instance of its own in its constructor (a timer thread and a cache
   * directory) and closes it only if it started, which it never does here.
   */
  private void closeInheritedVertx() {
    try {
      Field field = MockWebServer.class.getDeclaredField("vertx");
      field.setAccessible(true);
      await(((Vertx) field.get(this)).close(), "cannot close the mock's Vert.x");
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A newer mock without that field: nothing of it to close, or an idle daemon thread left.
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(what + ": " + e.getMessage(), e);
    }
  }
}
