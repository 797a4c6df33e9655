package io.shardeddb.local;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One plain HTTP watch: the mock's watch listener believes it talks to a WebSocket, and each
 * message it sends becomes one line of a chunked JSON response ({@code {"type":..,"object":..}}),
 * as kube-apiserver streams watches. The stream ends when the client goes away, after the request's
 * timeout, or when the server stops; the listener is then closed exactly once, which stops its
 * thread and unregisters it from the store.
 */
final class HttpWatchStream implements WebSocket {
  private final RecordedRequest request;
  private final HttpServerResponse response;
  private final Function<String, Optional<String>> lines;
  private final WebSocketListener listener;
  private final Vertx vertx;
  private final AtomicBoolean ended = new AtomicBoolean();

  HttpWatchStream(
      RecordedRequest request,
      HttpServerResponse response,
      Function<String, Optional<String>> lines,
      WebSocketListener listener,
      Vertx vertx) {
    this.request = request;
    this.response = response;
    this.lines = lines;
    this.listener = listener;
    this.vertx = vertx;
  }

  @Override
  public RecordedRequest request() {
    return request;
  }

  @Override
  public boolean send(String text) {
    if (ended.get()) {
      return false;
    }
    Optional<String> line = lines.apply(text);
    if (line.isEmpty()) {
      return true;
    }
    if (response.writeQueueFull()) {
      // A client that does not read would make the queue grow without bound: end its watch; a
      // client-go watcher re-lists and watches again.
      end("client too slow");
      return false;
    }
    response.write(line.get() + "\n");
    return true;
  }

  @Override
  public boolean send(byte[] bytes) {
    return send(new String(bytes, StandardCharsets.UTF_8));
  }

  @Override
  public boolean close(int code, String reason) {
    end(reason);
    return true;
  }

  /** Ends the response (if the client is still there) and closes the listener, once. */
  void end(String reason) {
    if (endResponse()) {
      // onClosed waits for the listener's executor to terminate: not on the event loop.
      vertx.executeBlocking(
          () -> {
            closeListener(reason);
            return null;
          },
          false);
    }
  }

  /** As {@link #end}, closing the listener in the calling thread (server shutdown). */
  void endNow(String reason) {
    if (endResponse()) {
      closeListener(reason);
    }
  }

  private boolean endResponse() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    if (!response.ended() && !response.closed()) {
      response.end();
    }
    return true;
  }

  private void closeListener(String reason) {
    listener.onClosed(this, 1000, reason == null ? "" : reason);
  }

  boolean ended() {
    return ended.get();
  }
}
