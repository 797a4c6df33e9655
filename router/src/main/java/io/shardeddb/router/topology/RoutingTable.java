package io.shardeddb.router.topology;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardMap;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.routing.HashRing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One topology with everything a request needs precomputed once per change (the point → shard map,
 * each shard's owned ranges as the {@code X-Shard-Owned} header and a hash ring of replicas per
 * shard), so requests share it instead of copying the topology. Keys are routed by their point
 * ({@link Sharding#point}): the key itself under {@code Range}, its hash under {@code Hash}.
 */
public final class RoutingTable {
  private final Topology topology;
  private final ShardMap<ShardTopology> shardMap;
  private final Map<String, HashRing<Replica>> rings;
  private final Map<String, String> ownedHeaders;

  /** The table this view's requests are of: null for the database's first table. */
  private final String tableName;

  public RoutingTable(Topology topology) {
    this.topology = topology;
    this.tableName = null;
    this.shardMap = topology.shardMap();
    Map<String, HashRing<Replica>> r = new HashMap<>();
    Map<String, String> owned = new HashMap<>();
    for (ShardTopology s : topology.shards()) {
      r.put(s.id(), new HashRing<>(s.replicas(), Replica::name));
      owned.put(s.id(), ShardEndpoints.ownedHeader(ownedBy(s)));
    }
    this.rings = Map.copyOf(r);
    this.ownedHeaders = Map.copyOf(owned);
  }

  private RoutingTable(RoutingTable all, TableSchema table) {
    this.topology = all.topology.withSchema(table);
    this.shardMap = all.shardMap;
    this.rings = all.rings;
    this.ownedHeaders = all.ownedHeaders;
    this.tableName = table.table();
  }

  /**
   * This layout seen by the requests of one table (issue 46): its {@link #topology()}'s {@code
   * schema} is that table, and {@link #tableName()} names it on every request to a shard (a
   * shard-server takes a request without a {@code table} as one of the first table, so the first
   * table's requests are unchanged: for it, this is {@code this}). A 400 naming the table when the
   * database has no table of that name (ignoring case).
   */
  public RoutingTable forTable(String name) {
    TableSet tables = topology.tableSet();
    TableSchema t = tables == null ? null : tables.tableOrNull(name);
    if (t == null) {
      throw unknownTable(name, tables);
    }
    if (tableName == null && t == tables.first()) {
      return this;
    }
    if (tableName != null) {
      throw new IllegalStateException("a table's view of the layout is not viewed again");
    }
    return t == tables.first() ? this : new RoutingTable(this, t);
  }

  /** The 400 for a table the database does not have (the MySQL port answers it as 1146). */
  public static InvalidRequestException unknownTable(String name, TableSet tables) {
    return new InvalidRequestException(
        "unknown table '"
            + name
            + "'"
            + (tables == null
                ? " (this database has no table yet)"
                : " (this database has "
                    + tables.all().stream().map(TableSchema::table).toList()
                    + ")"));
  }

  /**
   * {@code newer} (a later layout, e.g. after a 421 or a failover) seen by the same table as this
   * view: a request re-planned on it stays a request of its table.
   */
  public RoutingTable sameTable(RoutingTable newer) {
    if (tableName == null || tableName.equals(newer.tableName)) {
      return newer;
    }
    return newer.forTable(tableName);
  }

  /**
   * The table this view's requests name ({@code "table"} of /write, /update, /del and /read), or
   * null for the database's first table (no {@code "table"}, as before issue 46).
   */
  public String tableName() {
    return tableName;
  }

  /** The topology document. */
  public Topology topology() {
    return topology;
  }

  /** The topology's version (grows with every change). */
  public long version() {
    return topology.version();
  }

  /** How keys map to the points the shard ranges divide. */
  public Sharding sharding() {
    return topology.sharding();
  }

  /** The point → shard map (points are keys only under {@code Range}: use {@link #shardFor}). */
  public ShardMap<ShardTopology> shardMap() {
    return shardMap;
  }

  /** The shard that owns {@code key}'s point, if any. */
  public Optional<ShardTopology> shardFor(long key) {
    return shardMap.shardFor(topology.sharding().point(key));
  }

  /**
   * The shard that owns the point of key value {@code key} (a Long, or a String of a String-keyed
   * table: its hash), if any.
   */
  public Optional<ShardTopology> shardFor(Object key) {
    return shardMap.shardFor(topology.sharding().point(key));
  }

  /**
   * The shards that may hold keys of {@code [low, high]} (inclusive), in point order: under {@code
   * Range} those whose ranges overlap it, under {@code Hash} every shard (a key range is scattered
   * over the whole hash space). Empty when {@code low > high}.
   */
  public List<ShardTopology> shardsFor(long low, long high) {
    if (topology.sharding() == Sharding.Hash) {
      if (low > high) {
        return List.of();
      }
      // A few keys (a point read, a short range): only the owners of their hashes.
      long width = high - low;
      if (width >= 0 && width < NARROW_HASH_RANGE) {
        return shardsForKeys(java.util.stream.LongStream.rangeClosed(low, high).boxed().toList());
      }
      return shardMap.shards();
    }
    return shardMap.shardsFor(low, high);
  }

  /** The widest Hash key range whose keys are placed one by one ({@link #shardsFor}). */
  static final long NARROW_HASH_RANGE = 64;

  /**
   * The shards that own {@code keys} (key values: Longs, Strings, or a composite key's tuples),
   * each once, in point order; a key no shard owns adds none (no row can be stored there).
   */
  public List<ShardTopology> shardsForKeys(java.util.Collection<?> keys) {
    java.util.Set<String> owners = new java.util.HashSet<>();
    for (Object k : keys) {
      shardFor(k).ifPresent(s -> owners.add(s.id()));
    }
    return shardMap.shards().stream().filter(s -> owners.contains(s.id())).toList();
  }

  /**
   * As {@link #shardsFor(long, long)} for key-value bounds: a String bound (a String-keyed table,
   * always {@code Hash}) may lie anywhere in the hash space, so every shard.
   */
  public List<ShardTopology> shardsFor(Object low, Object high) {
    if (low instanceof Long l && high instanceof Long h) {
      return shardsFor(l.longValue(), h.longValue());
    }
    return shardMap.shards();
  }

  /** The shards in point order. */
  public List<ShardTopology> shards() {
    return shardMap.shards();
  }

  /** The point ranges this layout says {@code shard} owns. */
  public static List<PointRange> ownedBy(ShardTopology shard) {
    return List.of(new PointRange(shard.low(), shard.size()));
  }

  /**
   * The {@code X-Shard-Owned} value for {@code shardId} (docs/resharding.md), or null for a shard
   * this layout does not have.
   */
  public String ownedHeader(String shardId) {
    return ownedHeaders.get(shardId);
  }

  /**
   * {@code shardId} and the range this layout gives it, for messages: {@code shard sh1, which owns
   * [0, 4096)} (of hash points under {@code Hash}).
   */
  public String describe(String shardId) {
    return topology
        .shard(shardId)
        .map(
            s ->
                "shard "
                    + s.id()
                    + ", which owns ["
                    + s.low()
                    + ", "
                    + s.highExclusive()
                    + ")"
                    + (sharding() == Sharding.Hash ? " of hash points" : "")
                    + " in the router's layout")
        .orElse("shard " + shardId);
  }

  /** The consistent-hash ring over the replicas of {@code shardId}. */
  public HashRing<Replica> ring(String shardId) {
    return rings.getOrDefault(shardId, new HashRing<>(List.of(), Replica::name));
  }

  /** Whether {@code /init} has happened (a schema and at least one shard). */
  public boolean initialized() {
    return topology.isInitialized();
  }
}
