package io.shardeddb.shardserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP gate in front of the backup store, to put a store outage's calls in an exact
 * order: {@link Mode#OPEN} forwards; {@link Mode#REFUSE} closes every connection (a store that is
 * down); {@link Mode#HOLD} accepts a connection, reads its request line and forwards nothing until
 * the gate opens (a call hanging across the store's return, then answered); {@link Mode#DEAD}
 * accepts and never answers that connection, even after the gate opens (a call hanging on a dead
 * connection). The request lines of held and dead connections are kept ({@link #stuck}).
 */
final class StoreGate implements AutoCloseable {
  enum Mode {
    OPEN,
    REFUSE,
    HOLD,
    DEAD
  }

  private final int upstreamPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> stuck = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.OPEN;

  StoreGate(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("store-gate").start(this::accept);
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Sets the mode; refusing closes the connections already open. */
  synchronized void mode(Mode m) {
    mode = m;
    if (m == Mode.REFUSE) {
      for (Socket s : open) {
        closeQuietly(s);
      }
    }
    notifyAll();
  }

  /** Request lines of the connections held or dead so far. */
  List<String> stuck() {
    return List.copyOf(stuck);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofPlatform().daemon().name("store-gate-conn").start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    open.add(client);
    try {
      Mode m = mode;
      if (m == Mode.REFUSE) {
        closeQuietly(client);
        return;
      }
      byte[] head = new byte[0];
      if (m == Mode.HOLD || m == Mode.DEAD) {
        head = requestLine(client.getInputStream());
        stuck.add(new String(head, java.nio.charset.StandardCharsets.US_ASCII).strip());
        if (m == Mode.DEAD) {
          synchronized (this) {
            while (!server.isClosed()) {
              wait(1000);
            }
          }
          return;
        }
        synchronized (this) {
          while (mode == Mode.HOLD && !server.isClosed()) {
            wait(1000);
          }
        }
        if (mode != Mode.OPEN) {
          closeQuietly(client);
          return;
        }
      }
      try (Socket upstream = new Socket()) {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
        open.add(upstream);
        upstream.getOutputStream().write(head);
        Thread back = Thread.ofPlatform().daemon().start(() -> pipe(upstream, client));
        pipe(client, upstream);
        back.join(5000);
      }
    } catch (IOException e) {
      // a side closed: the connection ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
    }
  }

  private static byte[] requestLine(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      out.write(b);
      if (b == '\n') {
        break;
      }
    }
    return out.toByteArray();
  }

  private void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    server.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
    notifyAll();
  }
}
