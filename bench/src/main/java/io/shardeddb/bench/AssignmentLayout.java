package io.shardeddb.bench;

import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.lb.ShardDoc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the assignment's configurations as its {@code /init} describes it — {@code shards} shards,
 * {@code servers} servers each holding a set of shards, {@code replicas} copies of each shard — and
 * how it lands on ShardedDB.
 *
 * <p>The mapping is the router's own rule for {@code /init} (docs/router.md, "Admin endpoints"): a
 * server listed for a shard is one replica of that shard, and a shard's replica count is the number
 * of servers listing it. In ShardedDB each replica of each shard is its own pod, so an assignment
 * server is not one process but the set of pods holding its replicas: a configuration runs {@code
 * shards x replicas} shard-server pods (plus the router) whatever its server count. The servers get
 * the shards' replicas round-robin (replica {@code j} of shard {@code i} on server {@code (i *
 * replicas + j) mod servers}), so each shard's replicas are on distinct servers and the servers
 * hold sets of equal size, give or take one. Which pod of a shard stands for which server is this
 * class's convention (the product does not pin it): the {@code k}-th server, in the map's order,
 * that lists a shard holds the shard's pod of ordinal {@code k}.
 */
record AssignmentLayout(int shards, int servers, int replicas) {
  private static final Pattern SYNTAX = Pattern.compile("(\\d+)x(\\d+)(?:@(\\d+))?");

  AssignmentLayout {
    if (shards < 1 || replicas < 1 || servers < 1) {
      throw new IllegalArgumentException(
          "shards, servers and replicas must be at least 1; got "
              + shards
              + ", "
              + servers
              + ", "
              + replicas);
    }
    if (replicas > servers) {
      throw new IllegalArgumentException(
          replicas
              + " replicas need "
              + replicas
              + " servers (a shard's replicas are on distinct servers); got "
              + servers);
    }
    if ((long) shards * replicas < servers) {
      throw new IllegalArgumentException(
          servers
              + " servers cannot each hold a shard: "
              + shards
              + " shards x "
              + replicas
              + " replicas is "
              + shards * replicas
              + " shard replicas");
    }
  }

  /**
   * {@code SHARDSxREPLICAS} or {@code SHARDSxREPLICAS@SERVERS}: without a server count, the seed's
   * for that configuration ({@code 4x3} and {@code 4x6}: 6, {@code 6x8}: 10), else one server per
   * replica (each holding every shard).
   */
  static AssignmentLayout parse(String config) {
    Matcher m = SYNTAX.matcher(config.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a configuration is SHARDSxREPLICAS or SHARDSxREPLICAS@SERVERS (4x3, 4x3@6), not '"
              + config
              + "'");
    }
    int shards = Integer.parseInt(m.group(1));
    int replicas = Integer.parseInt(m.group(2));
    int servers =
        m.group(3) != null
            ? Integer.parseInt(m.group(3))
            : SeedFigures.of(shards, replicas).map(SeedFigures.Row::servers).orElse(replicas);
    return new AssignmentLayout(shards, servers, replicas);
  }

  /** {@code 4x3}: shards x replicas, as the rest of the bench names a configuration. */
  String name() {
    return shards + "x" + replicas;
  }

  /** {@code 4 shards / 6 servers / 3 replicas}: as the seed's table names it. */
  String describe() {
    return shards + " shards / " + servers + " servers / " + replicas + " replicas";
  }

  /** Shard-server pods this configuration runs: one per replica of each shard. */
  int pods() {
    return shards * replicas;
  }

  static String shardId(int index) {
    return "sh" + (index + 1);
  }

  static String serverName(int index) {
    return "Server" + index;
  }

  /** {@code /init}'s {@code servers}: each server and the shards it holds, in shard order. */
  Map<String, List<String>> serverMap() {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int s = 0; s < servers; s++) {
      map.put(serverName(s), new ArrayList<>());
    }
    for (int i = 0; i < shards; i++) {
      for (int j = 0; j < replicas; j++) {
        map.get(serverName((i * replicas + j) % servers)).add(shardId(i));
      }
    }
    map.replaceAll((server, list) -> List.copyOf(list));
    return map;
  }

  /**
   * The pods standing for {@code server} in database {@code db}: for each shard it holds, the pod
   * of ordinal {@code k} where the server is the {@code k}-th (in the map's order) listing it.
   * Shard id to pod name, in shard order; empty for a server the layout has not.
   */
  Map<String, String> podsOf(String db, String server) {
    Map<String, List<String>> map = serverMap();
    Map<String, String> pods = new LinkedHashMap<>();
    if (!map.containsKey(server)) {
      return pods;
    }
    for (String shard : map.get(server)) {
      int ordinal = 0;
      for (Map.Entry<String, List<String>> e : map.entrySet()) {
        if (e.getKey().equals(server)) {
          break;
        }
        if (e.getValue().contains(shard)) {
          ordinal++;
        }
      }
      pods.put(shard, ShardedDatabaseResources.shardPodName(db, shard, ordinal));
    }
    return pods;
  }

  /**
   * The assignment's {@code /init} body for this configuration: {@code N} servers, the student
   * table's schema ({@link Rows}), the shards' ranges and the server map.
   */
  DatabaseConfig initBody(List<ShardSpec> ranges) {
    if (ranges.size() != shards) {
      throw new IllegalArgumentException(ranges.size() + " ranges for " + shards + " shards");
    }
    List<ShardDoc> docs = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      ShardSpec r = ranges.get(i);
      if (!r.id().equals(shardId(i))) {
        throw new IllegalArgumentException("range " + i + " is " + r.id() + ", not " + shardId(i));
      }
      docs.add(new ShardDoc(r.low(), r.id(), r.size()));
    }
    return new DatabaseConfig(
        servers,
        new SchemaDoc(
            List.of(Rows.KEY, Rows.NAME, Rows.MARKS), List.of("Number", "String", "Number")),
        docs,
        serverMap());
  }
}
