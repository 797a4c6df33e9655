package io.shardeddb.protocol.management;

import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration.NettyListenerConfiguration;
import io.micronaut.http.ssl.ServerSslConfiguration;
import java.util.List;

/**
 * The listeners of a server whose API port speaks TLS and that serves health and metrics on a
 * management port of its own (docs/security.md, "Management port"): both TLS, with the one SSL
 * context the server's {@code ServerSslBuilder} builds (so the management port presents the same
 * per-pod certificate and follows the same rotation, read again at each handshake).
 *
 * <p>Why explicit listeners: left to itself, Micronaut (4.10) opens the {@code endpoints.all.port}
 * listener as plain HTTP whatever {@code micronaut.server.ssl} says; with {@code
 * micronaut.server.netty.listeners} set, it opens exactly the listeners given, each with its own
 * {@code ssl} flag, and {@code expose-default-routes: false} keeps the API's routes off the
 * management listener (only the endpoints bound to its port are routed there).
 */
public final class ManagementListeners {
  private ManagementListeners() {}

  /** Replaces {@code server}'s listeners by a TLS API listener and a TLS management listener. */
  public static void useTls(
      NettyHttpServerConfiguration server, ServerSslConfiguration ssl, int managementPort) {
    server.setListeners(of(server.getHost().orElse(null), ssl, managementPort));
  }

  /** The two listeners: the API on {@code ssl}'s port, the management port's endpoints only. */
  static List<NettyListenerConfiguration> of(
      String host, ServerSslConfiguration ssl, int managementPort) {
    NettyListenerConfiguration api =
        NettyListenerConfiguration.createTcp(
            host, ssl.getPort(), true, ssl.getKeyName(), ssl.getTrustName());
    NettyListenerConfiguration management =
        NettyListenerConfiguration.createTcp(
            host, managementPort, true, ssl.getKeyName(), ssl.getTrustName());
    management.setExposeDefaultRoutes(false);
    management.setSupportGracefulShutdown(false);
    return List.of(api, management);
  }
}
