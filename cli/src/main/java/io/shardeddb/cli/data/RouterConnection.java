package io.shardeddb.cli.data;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.tls.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * An open way to one router pod: its address when the CLI can reach it, else a port-forward through
 * the API server to a loopback port, closed with this connection.
 */
public final class RouterConnection implements AutoCloseable {
  private final RouterTarget target;
  private final LocalPortForward forward;
  private final String baseUrl;

  private RouterConnection(RouterTarget target, LocalPortForward forward, String baseUrl) {
    this.target = target;
    this.forward = forward;
    this.baseUrl = baseUrl;
  }

  /** Opens the route {@link RouterTarget#route()} chose. */
  public static RouterConnection open(KubernetesClient client, RouterTarget target) {
    return switch (target.route()) {
      case DIRECT ->
          new RouterConnection(target, null, scheme(target) + target.podIp() + ":" + target.port());
      case PORT_FORWARD -> {
        LocalPortForward pf =
            client
                .pods()
                .inNamespace(target.namespace())
                .withName(target.pod())
                .portForward(target.port());
        yield new RouterConnection(target, pf, scheme(target) + "127.0.0.1:" + pf.getLocalPort());
      }
    };
  }

  /** The router's URL as this machine reaches it. */
  public String baseUrl() {
    return baseUrl;
  }

  /** A client of the router's API for this database's shard key. */
  public RouterClient client(Duration timeout) {
    return new RouterClient(
        baseUrl,
        target.token(),
        target.schema().shardKey(),
        timeout,
        target.tls() ? Tls.routerClientContext(target.caPem()) : null);
  }

  private static String scheme(RouterTarget target) {
    return target.tls() ? "https://" : "http://";
  }

  @Override
  public void close() {
    if (forward != null) {
      try {
        forward.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing the port-forward to " + target.pod(), e);
      }
    }
  }
}
