package io.shardeddb.shardserver;

import com.sun.net.httpserver.HttpServer;
import io.shardeddb.protocol.shard.Peer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stand-ins for a misbehaving primary: one whose snapshot breaks off after a few rows, and one that
 * accepts connections and never answers (a frozen process).
 */
final class FakePeer implements AutoCloseable {
  private final HttpServer http;
  private final ServerSocket frozen;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  final String name;

  private FakePeer(String name, HttpServer http, ServerSocket frozen) {
    this.name = name;
    this.http = http;
    this.frozen = frozen;
  }

  /**
   * A primary whose {@code /log} always answers 410 (so the secondary re-copies) and whose {@code
   * /snapshot} announces {@code rows} rows at {@code lsn} but sends only {@code sent} of them.
   */
  static FakePeer brokenSnapshot(String name, long lsn, long rows, int sent) {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      s.createContext(
          "/log",
          ex -> {
            byte[] body =
                "{\"message\":\"log no longer held\",\"status\":\"failure\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(410, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          });
      s.createContext(
          "/snapshot",
          ex -> {
            StringBuilder b = new StringBuilder();
            b.append("{\"lsn\":")
                .append(lsn)
                .append(",\"epoch\":1,\"rows\":")
                .append(rows)
                .append("}\n");
            for (int i = 0; i < sent; i++) {
              b.append(ThreeReplicaShard.row(3000 + i)).append('\n');
            }
            byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          });
      s.start();
      return new FakePeer(name, s, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A process that accepts TCP connections and never answers a byte (stopped, not killed). */
  static FakePeer frozen(String name) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FakePeer p = new FakePeer(name, null, server);
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                while (!server.isClosed()) {
                  try {
                    p.held.add(server.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    int port = http != null ? http.getAddress().getPort() : frozen.getLocalPort();
    return "http://127.0.0.1:" + port;
  }

  Peer peer() {
    return new Peer(name, url());
  }

  @Override
  public void close() {
    if (http != null) {
      http.stop(0);
    }
    if (frozen != null) {
      try {
        frozen.close();
      } catch (IOException ignored) {
        // Closing a listening socket of a test helper; nothing to recover.
      }
      for (Socket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // As above.
        }
      }
    }
  }
}
