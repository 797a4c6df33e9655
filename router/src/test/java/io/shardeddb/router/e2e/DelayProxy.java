package io.shardeddb.router.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback in front of one shard-server that can add a real network delay: every
 * chunk of bytes on its way to the server is held back {@code delayMillis} from its arrival (a
 * latency, not a bandwidth limit: chunks stay in order and do not queue behind each other's delay),
 * so every request to that server -- the router's, its primary's replication requests, a fence --
 * answers that much later. Answers flow back undelayed. Started and stopped by the test; its
 * threads are daemons and end with their connections.
 */
final class DelayProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile long delayMillis;
  private volatile boolean closed;

  private DelayProxy(ServerSocket listener, int targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  /** A proxy on a free loopback port forwarding to 127.0.0.1:{@code targetPort}, no delay yet. */
  static DelayProxy start(int targetPort) {
    try {
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      DelayProxy p = new DelayProxy(s, targetPort);
      daemon("delay-proxy-accept-" + s.getLocalPort(), p::acceptLoop);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The proxy's base URL, to be used in place of the server's. */
  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on, holds back each chunk towards the server this long (0: none). */
  void delay(long millis) {
    delayMillis = millis;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        open.add(client);
        open.add(server);
        BlockingQueue<Chunk> toServer = new LinkedBlockingQueue<>();
        daemon("delay-proxy-read", () -> read(client, server, toServer));
        daemon("delay-proxy-write", () -> writeWhenDue(toServer, server, client));
        daemon("delay-proxy-back", () -> pump(server, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** One chunk on its way to the server, and when it may be sent. */
  private record Chunk(long dueNanos, byte[] bytes) {}

  private static final Chunk END = new Chunk(0, new byte[0]);

  private void read(Socket from, Socket to, BlockingQueue<Chunk> queue) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        queue.add(new Chunk(due, Arrays.copyOf(buf, n)));
      }
    } catch (IOException e) {
      // The connection ended; the writer closes both sides.
    }
    queue.add(END);
  }

  private void writeWhenDue(BlockingQueue<Chunk> queue, Socket to, Socket from) {
    try (OutputStream out = to.getOutputStream()) {
      while (true) {
        Chunk c = queue.take();
        if (c == END) {
          break;
        }
        long wait = c.dueNanos() - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        out.write(c.bytes());
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // The connection ended.
    } finally {
      closeQuietly(to);
      closeQuietly(from);
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // The connection ended.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // Already closed.
    }
    List.copyOf(open).forEach(this::closeQuietly);
  }
}
