package io.shardeddb.operator.model;

import java.util.List;

/**
 * What a database's NetworkPolicies admit besides the database's own pods and the operator: the
 * metrics scraper on the shard pods' metrics port, and whether the pods' outgoing connections are
 * restricted too ({@code egress}) — then shard pods reach only the database's shard pods, DNS and
 * the backup store's port, and routers only the shard pods, DNS and the Kubernetes API server on
 * {@code apiServerPorts} (the API server is no pod a selector can name; after the Service's address
 * translation a policy sees its real port: 443 on most managed clusters, 6443 on kubeadm-style
 * ones), at {@code apiServerCidrs} when given (the addresses the {@code kubernetes} Service's
 * endpoints have), else at any address on those ports. {@code tracesEndpoint}, when set, is the
 * OTLP collector every pod exports its traces to (docs/monitoring.md, "Traces"): egress admits its
 * port, and the pods get it as {@code OTEL_EXPORTER_OTLP_ENDPOINT} (SettingsTable).
 */
public record NetworkAccess(
    MetricsScraper scraper,
    boolean egress,
    List<Integer> apiServerPorts,
    List<String> apiServerCidrs,
    String tracesEndpoint) {

  /** The API server ports admitted when none are configured. */
  public static final List<Integer> DEFAULT_API_SERVER_PORTS = List.of(443, 6443);

  /** No scraper admitted, egress restricted, the default API server ports. */
  public static final NetworkAccess DEFAULT =
      new NetworkAccess(MetricsScraper.NONE, true, DEFAULT_API_SERVER_PORTS);

  /** Access admitting the API server at any address on its ports. */
  public NetworkAccess(MetricsScraper scraper, boolean egress, List<Integer> apiServerPorts) {
    this(scraper, egress, apiServerPorts, List.of());
  }

  /** Access with no traces collector (traces off). */
  public NetworkAccess(
      MetricsScraper scraper,
      boolean egress,
      List<Integer> apiServerPorts,
      List<String> apiServerCidrs) {
    this(scraper, egress, apiServerPorts, apiServerCidrs, null);
  }

  public NetworkAccess {
    scraper = scraper == null ? MetricsScraper.NONE : scraper;
    apiServerCidrs = apiServerCidrs == null ? List.of() : List.copyOf(apiServerCidrs);
    tracesEndpoint =
        tracesEndpoint == null || tracesEndpoint.isBlank() ? null : tracesEndpoint.trim();
    apiServerPorts =
        apiServerPorts == null || apiServerPorts.isEmpty()
            ? DEFAULT_API_SERVER_PORTS
            : List.copyOf(apiServerPorts);
  }

  /** This access with {@code scraper} admitted on the metrics port instead. */
  public NetworkAccess withScraper(MetricsScraper scraper) {
    return new NetworkAccess(scraper, egress, apiServerPorts, apiServerCidrs, tracesEndpoint);
  }

  /**
   * A comma-separated list of CIDRs ({@code 10.0.0.1/32,fd00::1/128}); blank: none (any address).
   *
   * @throws IllegalArgumentException naming an entry that is not an IPv4 or IPv6 CIDR
   */
  public static List<String> parseCidrs(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> cidrs = new java.util.ArrayList<>();
    for (String entry : value.split(",")) {
      String cidr = entry.trim();
      if (cidr.isEmpty()) {
        continue;
      }
      if (!isCidr(cidr)) {
        throw new IllegalArgumentException(
            "API server CIDRs: '" + cidr + "' is not a CIDR (address/prefix, e.g. 10.0.0.1/32)");
      }
      cidrs.add(cidr);
    }
    return List.copyOf(cidrs);
  }

  private static boolean isCidr(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String address = cidr.substring(0, slash);
    boolean v4 = address.matches("(\\d{1,3}\\.){3}\\d{1,3}");
    boolean v6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (v4) {
      for (String part : address.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return prefix >= 0 && prefix <= 32;
    }
    return v6 && prefix >= 0 && prefix <= 128;
  }

  /**
   * A comma-separated list of TCP ports ({@code 443,6443}); blank: the defaults.
   *
   * @throws IllegalArgumentException naming an entry that is not a port number
   */
  public static List<Integer> parsePorts(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_API_SERVER_PORTS;
    }
    List<Integer> ports = new java.util.ArrayList<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int port;
      try {
        port = Integer.parseInt(entry.trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "API server ports: '" + entry.trim() + "' is not a port number (1-65535)");
      }
      ports.add(port);
    }
    return ports.isEmpty() ? DEFAULT_API_SERVER_PORTS : List.copyOf(ports);
  }
}
