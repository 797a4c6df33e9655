package io.shardeddb.router.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.SchemaDoc;
import io.shardeddb.protocol.lb.ShardDoc;
import java.util.List;
import java.util.Map;

/**
 * The {@code /status} reply of a {@code Hash}-sharded database: the assignment's shape plus {@code
 * "sharding":"Hash"} (its shard ranges divide key hashes, not keys). A {@code Range} database
 * answers the plain {@link DatabaseConfig}, unchanged for the assignment's clients.
 */
@Serdeable
@JsonPropertyOrder({"N", "schema", "shards", "servers", "sharding"})
public record HashStatus(
    @JsonProperty("N") Integer n,
    SchemaDoc schema,
    List<ShardDoc> shards,
    Map<String, List<String>> servers,
    String sharding) {

  /** {@code config} marked as hash-sharded. */
  public static HashStatus of(DatabaseConfig config) {
    return new HashStatus(config.n(), config.schema(), config.shards(), config.servers(), "Hash");
  }
}
