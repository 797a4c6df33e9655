package io.shardeddb.shardserver;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.exceptions.ServerStartupException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** A shard-server started in this JVM on a fixed loopback port and its own database. */
final class Replica implements AutoCloseable {
  final String name;
  final int port;
  final String database;
  private final Map<String, Object> extra;
  private ApplicationContext context;

  private Replica(String name, int port, String database, Map<String, Object> extra) {
    this.name = name;
    this.port = port;
    this.database = database;
    this.extra = extra;
  }

  /** Starts a replica named {@code name} in database {@code database}. */
  static Replica start(String name, String database, Map<String, Object> extra) {
    Replica r = new Replica(name, freePort(), database, extra);
    r.start();
    return r;
  }

  static Replica start(String name, String database) {
    return start(name, database, Map.of());
  }

  void start() {
    EmbeddedMariaDb db = SharedMariaDb.get();
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", port);
    props.put("micronaut.server.host", "127.0.0.1");
    props.put("shardeddb.server.name", name);
    props.put("shardeddb.storage.jdbc-url", db.jdbcUrl());
    props.put("shardeddb.storage.jdbc-user", db.user());
    props.put("shardeddb.storage.jdbc-password", db.password());
    props.put("shardeddb.storage.database", database);
    props.put("shardeddb.auth.token", Http.TOKEN);
    props.putAll(extra);
    // A restart reuses the port; an outgoing connection of another replica may hold that number
    // for a moment (ports come from the ephemeral range), so binding is retried briefly.
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(ServerStartupException.class)
        .until(
            () -> {
              context = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
              return true;
            });
  }

  /** Stops the server (its database stays, like a pod whose process died). */
  void stop() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  /** A bean of the running server (storage tests drive ShardStore directly). */
  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  boolean running() {
    return context != null;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  Peer peer() {
    return new Peer(name, url());
  }

  /** Makes this replica the sole primary of a one-replica shard at epoch 1 ({@code /role}). */
  void assignSolePrimary() {
    Peer self = peer();
    RoleRequest role =
        new RoleRequest(1, Role.Primary, self, List.of(self), WriteQuorum.Majority, 1);
    Http.Reply assigned = Http.post(url() + "/role", Http.json(role));
    if (assigned.status() != 200) {
      throw new IllegalStateException("role refused: " + assigned.status() + " " + assigned.raw());
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
