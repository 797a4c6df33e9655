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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for a misbehaving primary: one whose snapshot breaks off after a few rows, and one that
 * accepts connections and never answers (a frozen process).
 */
final class FakePeer implements AutoCloseable {
  private final HttpServer http;
  private final ServerSocket frozen;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  final String name;
  private Runnable onClose = () -> {};

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

  /**
   * A primary whose first {@code /snapshot} sends its header and then stalls forever (a frozen
   * process mid-stream), and whose later ones are complete: {@code rows} rows at {@code lsn}.
   * {@code /log} answers 410 until a complete snapshot was served, then an empty page at {@code
   * lsn}.
   */
  static FakePeer stallingSnapshot(String name, long lsn, int rows) {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      s.setExecutor(Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory()));
      AtomicInteger snapshots = new AtomicInteger();
      CountDownLatch closed = new CountDownLatch(1);
      s.createContext(
          "/log",
          ex -> {
            boolean copied = snapshots.get() >= 2;
            byte[] body =
                (copied
                        ? "{\"entries\":[],\"lastLsn\":" + lsn + "}"
                        : "{\"message\":\"log no longer held\",\"status\":\"failure\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(copied ? 200 : 410, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          });
      s.createContext(
          "/snapshot",
          ex -> {
            String header =
                "{\"lsn\":" + lsn + ",\"epoch\":1,\"rows\":" + rows + ",\"requestIds\":0}\n";
            if (snapshots.incrementAndGet() == 1) {
              ex.sendResponseHeaders(200, 0);
              OutputStream out = ex.getResponseBody();
              out.write(header.getBytes(StandardCharsets.UTF_8));
              out.flush();
              try {
                closed.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return;
            }
            StringBuilder b = new StringBuilder(header);
            for (int i = 0; i < rows; i++) {
              b.append(ThreeReplicaShard.row(3000 + i)).append('\n');
            }
            byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          });
      s.start();
      FakePeer p = new FakePeer(name, s, null);
      p.onClose = closed::countDown;
      return p;
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
    onClose.run();
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
