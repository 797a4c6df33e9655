package io.shardeddb.protocol.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The topology document every process shares: the database name, its table schema, the write
 * quorum, every shard (range, epoch, primary, replicas) and the server names the assignment's
 * clients used in {@code /init} and {@code /add} (kept only to echo them in {@code /status}).
 * {@code sharding} says whether shard ranges divide keys or key hashes ({@link Sharding}). {@code
 * version} grows with every change so a reader can ignore stale copies; it is the reader's own
 * count (each router numbers the copies it installed). {@code layoutGeneration} is the published
 * layout's generation, the same for every reader: the operator raises it at each cut-over of a move
 * ({@code status.applied.layoutGeneration}), so a router can tell that a client's session token was
 * made on a newer layout than its own (0: unknown, e.g. a standalone router). A database that
 * awaits {@code /init} has a null schema and no shards. {@code schema} is the database's first
 * table; {@code tables} are the others, in creation order, as every shard has applied them (issue
 * 46, docs/log-format.md, "Tables"; empty for a database of one table).
 */
@Serdeable
public record Topology(
    String database,
    long version,
    TableSchema schema,
    WriteQuorum writeQuorum,
    List<ShardTopology> shards,
    Map<String, List<String>> servers,
    Sharding sharding,
    long layoutGeneration,
    List<TableSchema> tables) {

  /** A topology of the first table only. */
  public Topology(
      String database,
      long version,
      TableSchema schema,
      WriteQuorum writeQuorum,
      List<ShardTopology> shards,
      Map<String, List<String>> servers,
      Sharding sharding,
      long layoutGeneration) {
    this(database, version, schema, writeQuorum, shards, servers, sharding, layoutGeneration, null);
  }

  /** A topology of no known layout generation. */
  public Topology(
      String database,
      long version,
      TableSchema schema,
      WriteQuorum writeQuorum,
      List<ShardTopology> shards,
      Map<String, List<String>> servers,
      Sharding sharding) {
    this(database, version, schema, writeQuorum, shards, servers, sharding, 0);
  }

  /** A range-sharded topology. */
  public Topology(
      String database,
      long version,
      TableSchema schema,
      WriteQuorum writeQuorum,
      List<ShardTopology> shards,
      Map<String, List<String>> servers) {
    this(database, version, schema, writeQuorum, shards, servers, Sharding.Range);
  }

  public Topology {
    sharding = Sharding.orDefault(sharding);
    shards = shards == null ? List.of() : List.copyOf(shards);
    servers =
        servers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    writeQuorum = writeQuorum == null ? WriteQuorum.Majority : writeQuorum;
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  /** This topology numbered {@code version}. */
  public Topology withVersion(long version) {
    return new Topology(
        database,
        version,
        schema,
        writeQuorum,
        shards,
        servers,
        sharding,
        layoutGeneration,
        tables);
  }

  /** This topology with {@code shards} and {@code servers}, every other field kept. */
  public Topology withShards(List<ShardTopology> shards, Map<String, List<String>> servers) {
    return new Topology(
        database,
        version,
        schema,
        writeQuorum,
        shards,
        servers,
        sharding,
        layoutGeneration,
        tables);
  }

  /**
   * This topology seen from table {@code table}, one of {@link #tableSet()}: that table as its
   * {@code schema}, every other field kept (the router's requests of a statement on that table use
   * it; {@code RoutingTable.forTable}).
   */
  public Topology withSchema(TableSchema table) {
    return new Topology(
        database, version, table, writeQuorum, shards, servers, sharding, layoutGeneration, tables);
  }

  /** Every table of the database (null before it has one). */
  @JsonIgnore
  public io.shardeddb.protocol.schema.TableSet tableSet() {
    return schema == null ? null : new io.shardeddb.protocol.schema.TableSet(schema, tables);
  }

  /** Whether the database has a schema and at least one shard (i.e. {@code /init} happened). */
  @JsonIgnore
  public boolean isInitialized() {
    return schema != null && !shards.isEmpty();
  }

  /** The shard with this id, if any. */
  public Optional<ShardTopology> shard(String id) {
    return shards.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /**
   * The shard whose primary serves the timestamp oracle (DESIGN §11): the one owning the lowest
   * point, the same for every router reading this layout; empty before {@code /init}.
   */
  @JsonIgnore
  public Optional<ShardTopology> oracleShard() {
    return shards.stream().min(java.util.Comparator.comparingLong(ShardTopology::low));
  }

  /** A key → shard map over this topology's shards. */
  public ShardMap<ShardTopology> shardMap() {
    return new ShardMap<>(shards);
  }
}
