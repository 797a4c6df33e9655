package io.shardeddb.router.admin;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.topology.ShardMap;
import io.shardeddb.protocol.topology.Sharding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code /init}, {@code /add} and {@code /rm} bodies into the next {@link Layout}, with the
 * assignment's validation and messages. Pure: no I/O, so the rules are tested on their own and
 * shared by the standalone and Kubernetes admins.
 */
public final class LayoutPlanner {
  /** The /add failure when n exceeds the servers listed (the assignment's exact text). */
  public static final String ADD_TOO_MANY =
      "<Error> Number of new servers (n) is greater than newly added instances";

  /** The /rm failure when more servers are listed than n (the assignment's exact text). */
  public static final String RM_TOO_MANY =
      "<Error> Length of server list is more than removable instances";

  /** The longest server name or shard id: both become Kubernetes names (DNS labels). */
  public static final int MAX_NAME = 63;

  private LayoutPlanner() {}

  /** The result of {@code /add}: the new layout and the names of the servers added. */
  public record Added(Layout layout, List<String> servers) {}

  /** The result of {@code /rm}: the new layout and the names of the servers removed. */
  public record Removed(Layout layout, List<String> servers) {}

  /** The layout of an {@code /init} body; {@code table} names the table. */
  public static Layout init(DatabaseConfig config, String table) {
    if (config == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    if (config.schema() == null) {
      throw new InvalidRequestException("missing field 'schema'");
    }
    if (config.shards() == null || config.shards().isEmpty()) {
      throw new InvalidRequestException("field 'shards' must list at least one shard");
    }
    if (config.servers() == null || config.servers().isEmpty()) {
      throw new InvalidRequestException("field 'servers' must name at least one server");
    }
    noNulls("schema.columns", config.schema().columns());
    noNulls("schema.dtypes", config.schema().dtypes());
    requireShards("shards", config.shards());
    requireServers(config.servers());
    TableSchema schema = TableSchema.fromContract(table, null, config.schema());
    new ShardMap<>(config.shards());
    Map<String, List<String>> servers = resolveNames(config.servers(), Set.of());
    Layout layout = new Layout(schema, config.shards(), servers);
    requireKnownShards(layout);
    for (ShardDoc s : layout.shards()) {
      if (layout.replicasOf(s.id()) == 0) {
        throw new InvalidRequestException(
            "shard '" + s.id() + "' is not listed by any server, so nothing would store it");
      }
    }
    return layout;
  }

  /** How many shards {@code CREATE TABLE} gives a database (split or merge them later online). */
  public static final int CREATE_TABLE_SHARDS = 2;

  /** The points {@code CREATE TABLE}'s shards divide under {@code Range}: keys 0 to 2^31 - 1. */
  public static final long CREATE_TABLE_RANGE = 1L << 31;

  /**
   * The layout {@code CREATE TABLE} gives a database without a table: {@value #CREATE_TABLE_SHARDS}
   * shards {@code sh1}, {@code sh2} dividing the hash space evenly under {@code Hash}, or keys
   * {@code [0, 2^31)} under {@code Range}; {@code replicas} servers {@code Server0}.. each holding
   * every shard, so each shard has {@code replicas} replicas.
   */
  public static Layout createTable(TableSchema schema, Sharding sharding, int replicas) {
    if (replicas < 1) {
      throw new InvalidRequestException("replicas must be at least 1, got " + replicas);
    }
    long space =
        Sharding.orDefault(sharding) == Sharding.Hash ? Sharding.HASH_SPACE : CREATE_TABLE_RANGE;
    long size = space / CREATE_TABLE_SHARDS;
    List<ShardDoc> shards = new ArrayList<>();
    for (int i = 0; i < CREATE_TABLE_SHARDS; i++) {
      long low = i * size;
      long high = i == CREATE_TABLE_SHARDS - 1 ? space : low + size;
      shards.add(new ShardDoc(low, "sh" + (i + 1), high - low));
    }
    List<String> ids = shards.stream().map(ShardDoc::id).toList();
    Map<String, List<String>> servers = new LinkedHashMap<>();
    for (int r = 0; r < replicas; r++) {
      servers.put("Server" + r, ids);
    }
    return new Layout(schema.validate().requirePlaceableUnder(sharding), shards, servers);
  }

  /** The layout after an {@code /add} body. */
  public static Added add(Layout current, AddRequest request) {
    if (request == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    if (request.n() == null) {
      throw new InvalidRequestException("missing field 'n'");
    }
    Map<String, List<String>> requested = request.servers() == null ? Map.of() : request.servers();
    if (request.n() > requested.size()) {
      throw new InvalidRequestException(ADD_TOO_MANY);
    }
    if (request.n() < 0) {
      throw new InvalidRequestException("field 'n' must not be negative");
    }
    requireServers(requested);
    List<ShardDoc> shards = new ArrayList<>(current.shards());
    if (request.newShards() != null) {
      requireShards("new_shards", request.newShards());
      shards.addAll(request.newShards());
    }
    new ShardMap<>(shards);
    for (String name : requested.keySet()) {
      if (current.servers().containsKey(name)) {
        throw new InvalidRequestException("server '" + name + "' already exists");
      }
    }
    Map<String, List<String>> added = resolveNames(requested, current.servers().keySet());
    Map<String, List<String>> servers = new LinkedHashMap<>(current.servers());
    servers.putAll(added);
    Layout layout = new Layout(current.schema(), shards, servers);
    requireKnownShards(layout);
    if (request.newShards() != null) {
      for (ShardDoc s : request.newShards()) {
        if (layout.replicasOf(s.id()) == 0) {
          throw new InvalidRequestException(
              "new shard '" + s.id() + "' is not listed by any server, so nothing would store it");
        }
      }
    }
    return new Added(layout, List.copyOf(added.keySet()));
  }

  /** The layout after an {@code /rm} body; servers beyond those listed are picked newest first. */
  public static Removed remove(Layout current, RemoveRequest request) {
    if (request == null) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    if (request.n() == null) {
      throw new InvalidRequestException("missing field 'n'");
    }
    List<String> listed = request.servers() == null ? List.of() : request.servers();
    noNulls("servers", listed);
    if (listed.size() > request.n()) {
      throw new InvalidRequestException(RM_TOO_MANY);
    }
    if (request.n() < 0) {
      throw new InvalidRequestException("field 'n' must not be negative");
    }
    if (request.n() > current.servers().size()) {
      throw new InvalidRequestException(
          "cannot remove " + request.n() + " servers: only " + current.servers().size() + " exist");
    }
    List<String> removed = new ArrayList<>();
    for (String name : listed) {
      if (!current.servers().containsKey(name)) {
        throw new InvalidRequestException("server '" + name + "' does not exist");
      }
      if (!removed.contains(name)) {
        removed.add(name);
      }
    }
    Map<String, List<String>> servers = new LinkedHashMap<>(current.servers());
    removed.forEach(servers::remove);
    String empty = shardWithoutServer(current.shards(), servers);
    if (empty != null) {
      throw new InvalidRequestException(
          "removing " + removed + " would leave shard '" + empty + "' with no server");
    }
    // The assignment picks the extra servers at random; newest first is as good and repeatable,
    // skipping any whose removal would leave a shard with no server.
    List<String> others = new ArrayList<>(servers.keySet());
    for (int i = others.size() - 1; i >= 0 && removed.size() < request.n(); i--) {
      List<String> held = servers.remove(others.get(i));
      if (shardWithoutServer(current.shards(), servers) == null) {
        removed.add(others.get(i));
      } else {
        servers.put(others.get(i), held);
      }
    }
    if (removed.size() < request.n()) {
      throw new InvalidRequestException(
          "cannot remove "
              + request.n()
              + " servers without leaving a shard with no server; at most "
              + removed.size()
              + " can go");
    }
    Map<String, List<String>> kept = new LinkedHashMap<>(current.servers());
    removed.forEach(kept::remove);
    return new Removed(new Layout(current.schema(), current.shards(), kept), removed);
  }

  private static String shardWithoutServer(
      List<ShardDoc> shards, Map<String, List<String>> servers) {
    for (ShardDoc s : shards) {
      if (servers.values().stream().noneMatch(held -> held.contains(s.id()))) {
        return s.id();
      }
    }
    return null;
  }

  /** The assignment's /add message: {@code Add Server:4 and Server:58}. */
  public static String addMessage(List<String> servers) {
    List<String> parts = new ArrayList<>();
    for (String s : servers) {
      int digits = trailingDigits(s);
      parts.add(digits == s.length() ? s : s.substring(0, digits) + ":" + s.substring(digits));
    }
    return "Add " + String.join(" and ", parts);
  }

  /** Where the run of ASCII digits that ends {@code s} starts ({@code s.length()} if none). */
  static int trailingDigits(String s) {
    int i = s.length();
    while (i > 0 && isDigit(s.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  /**
   * The prefix of a "pick an id" name ({@code Server[5]}, {@code Server[ ]}), or null when {@code
   * name} is not one. A single backwards scan: the regex this replaces backtracked quadratically on
   * names full of brackets and spaces.
   */
  static String pickIdPrefix(String name) {
    if (!name.endsWith("]")) {
      return null;
    }
    int i = name.length() - 1;
    while (i > 0 && isSpace(name.charAt(i - 1))) {
      i--;
    }
    while (i > 0 && isDigit(name.charAt(i - 1))) {
      i--;
    }
    while (i > 0 && isSpace(name.charAt(i - 1))) {
      i--;
    }
    return i > 0 && name.charAt(i - 1) == '[' ? name.substring(0, i - 1) : null;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
  }

  private static void noNulls(String field, List<?> values) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new InvalidRequestException(field + "[" + i + "] must not be null");
      }
    }
  }

  private static void requireShards(String field, List<ShardDoc> shards) {
    noNulls(field, shards);
    for (int i = 0; i < shards.size(); i++) {
      requireName(field + "[" + i + "].Shard_id", shards.get(i).id());
    }
  }

  private static void requireServers(Map<String, List<String>> servers) {
    servers.forEach(
        (name, held) -> {
          requireName("server name", name);
          noNulls("servers." + name, held);
          if (held != null) {
            for (int i = 0; i < held.size(); i++) {
              requireName("servers." + name + "[" + i + "]", held.get(i));
            }
          }
        });
  }

  /** Names are bounded and printable: they end up in Kubernetes objects, logs and messages. */
  private static void requireName(String field, String name) {
    if (name == null) {
      throw new InvalidRequestException(field + " must not be null");
    }
    if (name.length() > MAX_NAME) {
      throw new InvalidRequestException(field + " is longer than " + MAX_NAME + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        throw new InvalidRequestException(
            field
                + " '"
                + name.replaceAll("\\p{Cntrl}|\\p{Cs}", "?")
                + "' contains a control"
                + " character or an invalid one");
      }
    }
  }

  /**
   * Replaces every "pick an id" name ({@code Server[5]}) with the prefix and the lowest number not
   * used by an existing or requested server; keeps the order.
   */
  static Map<String, List<String>> resolveNames(
      Map<String, List<String>> requested, Set<String> existing) {
    Set<String> taken = new HashSet<>(existing);
    taken.addAll(requested.keySet());
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : requested.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isBlank()) {
        throw new InvalidRequestException("server names must not be blank");
      }
      String prefix = pickIdPrefix(name);
      if (prefix != null) {
        int id = 0;
        while (taken.contains(prefix + id)) {
          id++;
        }
        name = prefix + id;
        taken.add(name);
      }
      List<String> held = e.getValue() == null ? List.of() : e.getValue();
      if (held.isEmpty()) {
        throw new InvalidRequestException(
            "server '" + e.getKey() + "' must hold at least one shard");
      }
      if (new HashSet<>(held).size() != held.size()) {
        throw new InvalidRequestException("server '" + e.getKey() + "' lists a shard twice");
      }
      out.put(name, List.copyOf(held));
    }
    return out;
  }

  private static void requireKnownShards(Layout layout) {
    Set<String> ids = new HashSet<>();
    layout.shards().forEach(s -> ids.add(s.id()));
    layout
        .servers()
        .forEach(
            (name, held) -> {
              for (String id : held) {
                if (!ids.contains(id)) {
                  throw new InvalidRequestException(
                      "server '" + name + "' lists shard '" + id + "', which does not exist");
                }
              }
            });
  }
}
