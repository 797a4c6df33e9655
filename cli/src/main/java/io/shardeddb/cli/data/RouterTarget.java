package io.shardeddb.cli.data;

import io.shardeddb.api.v1alpha1.SchemaSpec;

/**
 * A database's router as the data commands reach it: one ready router pod, the bearer token (null
 * when auth is off) and the table's schema.
 */
public record RouterTarget(
    String namespace,
    String pod,
    String podIp,
    int port,
    String token,
    SchemaSpec schema,
    String caPem) {

  /** A target reached over plain HTTP (no CA to verify it with). */
  public RouterTarget(
      String namespace, String pod, String podIp, int port, String token, SchemaSpec schema) {
    this(namespace, pod, podIp, port, token, schema, null);
  }

  /** Whether the router serves HTTPS (verified with {@code caPem}, the database's CA). */
  public boolean tls() {
    return caPem != null;
  }

  /** How a command reaches the pod: directly, or through the API server's port-forward. */
  public enum Route {
    /** The pod's IP is a loopback address: local mode, or a node the CLI runs on. */
    DIRECT,
    /** The pod's IP is inside the cluster network, which the CLI cannot reach. */
    PORT_FORWARD
  }

  /**
   * The route to the pod. Local mode gives pods addresses in 127.0.0.0/8, reachable as they are;
   * anything else is a cluster address the CLI reaches only through a port-forward.
   */
  public Route route() {
    return isLoopback(podIp) ? Route.DIRECT : Route.PORT_FORWARD;
  }

  static boolean isLoopback(String ip) {
    return ip != null
        && (ip.startsWith("127.") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1"));
  }
}
