package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.net.LoopbackPorts;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.config.StorageSettings;
import io.shardeddb.shardserver.storage.ConnectionPool;
import io.shardeddb.shardserver.storage.DatabaseServer;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A shard-server whose MySQL does not accept connections yet when it starts (the sidecar of a pod
 * still initialising a fresh volume) waits for it instead of failing its start: before, the first
 * {@code CREATE DATABASE} failed, the application exited 1 and the kubelet restarted the container.
 * The MySQL server here is a real MariaDB behind a loopback port that only starts forwarding two
 * seconds after the pool began to start.
 */
class ConnectionPoolStartupTest {
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private ServerSocket gate;
  private ConnectionPool pool;
  private DatabaseServer server;

  @AfterEach
  void close() throws IOException {
    if (pool != null) {
      pool.close();
    }
    if (server != null) {
      server.close();
    }
    if (gate != null) {
      gate.close();
    }
    for (Socket s : sockets) {
      s.close();
    }
  }

  @Test
  @DisplayName("the pool waits for a MySQL that starts accepting connections after it")
  void aPoolStartedBeforeItsMySqlWaitsForIt() throws Exception {
    EmbeddedMariaDb db = SharedMariaDb.get();
    URI real = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    // Below the ephemeral range: the pool's own attempts cannot take it as their source port.
    int port = LoopbackPorts.free();
    String url = db.jdbcUrl().replace(":" + real.getPort() + "/", ":" + port + "/");
    StorageSettings storage =
        new StorageSettings(url, db.user(), db.password(), null, null, 0, /* poolSize= */ 1);
    ServerSettings name =
        new ServerSettings("late-" + UUID.randomUUID().toString().substring(0, 8));
    server = new DatabaseServer(storage, name);
    CompletableFuture<ConnectionPool> started =
        CompletableFuture.supplyAsync(() -> new ConnectionPool(server, storage, name, ""));
    Thread.sleep(2_000);
    assertThat(started).as("nothing accepts connections yet").isNotDone();
    forward(port, real.getPort());

    pool = started.get(60, TimeUnit.SECONDS);
    try (Connection c = pool.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT 1").next()).isTrue();
    }
  }

  /** Listens on {@code from} and forwards every connection to {@code to} on loopback. */
  private void forward(int from, int to) throws IOException {
    gate = new ServerSocket();
    gate.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), from));
    Thread accept =
        new Thread(
            () -> {
              while (!gate.isClosed()) {
                try {
                  Socket in = gate.accept();
                  Socket out = new Socket(InetAddress.getLoopbackAddress(), to);
                  sockets.add(in);
                  sockets.add(out);
                  pump(in.getInputStream(), out.getOutputStream());
                  pump(out.getInputStream(), in.getOutputStream());
                } catch (IOException e) {
                  return;
                }
              }
            });
    accept.setDaemon(true);
    accept.start();
  }

  private static void pump(InputStream in, OutputStream out) {
    Thread t =
        new Thread(
            () -> {
              try {
                in.transferTo(out);
              } catch (IOException e) {
                // the connection closed
              }
            });
    t.setDaemon(true);
    t.start();
  }
}
