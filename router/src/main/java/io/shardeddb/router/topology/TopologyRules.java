package io.shardeddb.router.topology;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardMap;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a topology pushed to {@code PUT /admin/topology} before the router routes by it: a
 * positive version, a valid schema and other tables ({@code tables}: valid, names unique ignoring
 * case), non-overlapping shards, replicas with unique names and plain {@code http(s)://host[:port]}
 * URLs, a primary that is one of them, and under {@code Hash} shard ranges inside the hash space.
 * Pure; fails naming the field.
 */
public final class TopologyRules {
  /** The longest name or shard id accepted (both are Kubernetes names elsewhere). */
  static final int MAX_NAME = 63;

  private TopologyRules() {}

  /** Returns {@code t} when it is valid, else throws naming the first problem. */
  public static Topology validate(Topology t) {
    if (t.version() <= 0) {
      throw new InvalidRequestException("field 'version' must be a positive number");
    }
    if (t.database() != null) {
      name("database", t.database());
    }
    if (t.schema() != null) {
      t.schema().validate();
      String refusal = t.tableSet().refusal();
      if (refusal != null) {
        throw new InvalidRequestException("field 'tables': " + refusal);
      }
      for (io.shardeddb.protocol.schema.TableSchema table : t.tableSet().all()) {
        table.requirePlaceableUnder(t.sharding());
      }
    } else if (!t.shards().isEmpty()) {
      throw new InvalidRequestException("field 'schema' is required when shards are listed");
    } else if (!t.tables().isEmpty()) {
      throw new InvalidRequestException("field 'tables' needs 'schema', the first table");
    }
    for (int i = 0; i < t.shards().size(); i++) {
      shard("shards[" + i + "]", t.shards().get(i));
      ShardTopology s = t.shards().get(i);
      // Hash points lie in [0, 2^32): a range outside it would own nothing, or the impossible.
      if (t.sharding() == Sharding.Hash
          && (s.low() < 0 || s.size() > Sharding.HASH_SPACE - s.low())) {
        throw new InvalidRequestException(
            "shards["
                + i
                + "] range [low "
                + s.low()
                + ", size "
                + s.size()
                + "] is not inside the hash space [0, "
                + Sharding.HASH_SPACE
                + ") of a Hash-sharded database");
      }
    }
    new ShardMap<>(t.shards());
    Set<String> ids = new HashSet<>();
    t.shards().forEach(s -> ids.add(s.id()));
    for (Map.Entry<String, List<String>> e : t.servers().entrySet()) {
      name("servers key", e.getKey());
      List<String> held = e.getValue() == null ? List.of() : e.getValue();
      for (int i = 0; i < held.size(); i++) {
        String field = "servers." + e.getKey() + "[" + i + "]";
        if (held.get(i) == null || !ids.contains(held.get(i))) {
          throw new InvalidRequestException(field + " names no listed shard");
        }
      }
    }
    return t;
  }

  /**
   * Returns {@code t} when every replica URL is one of {@code configured} (a standalone router's
   * {@code shardeddb.router.standalone.shard-servers}), else throws naming the first that is not: a
   * push must not point the router, and the shard credential it sends, at any other address.
   * Addresses compare by scheme, host (any case) and port (the scheme's default when absent); call
   * after {@link #validate}.
   */
  public static Topology onlyConfiguredShardServers(Topology t, Collection<String> configured) {
    Set<String> allowed = new HashSet<>();
    configured.forEach(c -> address(c.trim()).ifPresent(allowed::add));
    for (int i = 0; i < t.shards().size(); i++) {
      List<Replica> replicas = t.shards().get(i).replicas();
      for (int j = 0; j < replicas.size(); j++) {
        String url = replicas.get(j).url();
        if (!address(url).map(allowed::contains).orElse(false)) {
          throw new InvalidRequestException(
              "shards["
                  + i
                  + "].replicas["
                  + j
                  + "].url '"
                  + url
                  + "' is not one of the configured shard-servers"
                  + " (shardeddb.router.standalone.shard-servers)");
        }
      }
    }
    return t;
  }

  /** {@code scheme://host:port} of an http(s) URL, lower case, the port always given. */
  static Optional<String> address(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return Optional.empty();
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port == -1) {
      port =
          switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
          };
    }
    return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
  }

  private static void shard(String field, ShardTopology s) {
    if (s == null) {
      throw new InvalidRequestException(field + " must not be null");
    }
    name(field + ".id", s.id());
    if (s.epoch() < 0) {
      throw new InvalidRequestException(field + ".epoch must not be negative");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.replicas().size(); i++) {
      String rf = field + ".replicas[" + i + "]";
      Replica r = s.replicas().get(i);
      if (r == null) {
        throw new InvalidRequestException(rf + " must not be null");
      }
      name(rf + ".name", r.name());
      if (!names.add(r.name())) {
        throw new InvalidRequestException(rf + ".name '" + r.name() + "' is listed twice");
      }
      url(rf + ".url", r.url());
    }
    if (s.primary() != null && !names.contains(s.primary())) {
      throw new InvalidRequestException(
          field + ".primary '" + s.primary() + "' is not one of its replicas");
    }
  }

  /** A shard-server base URL: http or https, a host, optionally a port, nothing else. */
  static void url(String field, String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidRequestException(field + " must not be empty");
    }
    if (url.length() > 2048) {
      throw new InvalidRequestException(field + " is longer than 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidRequestException(field + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new InvalidRequestException(field + " must start with http:// or https://");
    }
    if (uri.getHost() == null) {
      throw new InvalidRequestException(field + " has no host");
    }
    if (uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(uri.getRawPath() == null
            || uri.getRawPath().isEmpty()
            || uri.getRawPath().equals("/"))) {
      throw new InvalidRequestException(
          field + " must be just scheme, host and port (no user, path, query or fragment)");
    }
  }

  private static void name(String field, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidRequestException(field + " must not be empty");
    }
    if (name.length() > MAX_NAME) {
      throw new InvalidRequestException(field + " is longer than " + MAX_NAME + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i)) || Character.isSurrogate(name.charAt(i))) {
        throw new InvalidRequestException(field + " contains a control or invalid character");
      }
    }
  }
}
