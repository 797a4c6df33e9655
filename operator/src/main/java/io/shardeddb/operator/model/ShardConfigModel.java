package io.shardeddb.operator.model;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.PointRange;
import java.util.List;

/**
 * Builds the {@code POST /config} request a shard-server gets (pure). A channel of its own, not
 * environment: the schema arrives with {@code /init} after the pods run and the owned ranges change
 * with every move, neither may restart a shard-server. Its fields are rows of {@link SettingsTable}
 * ({@code SettingsTableTest} fails when the record gains one the table lacks).
 */
public final class ShardConfigModel {

  private ShardConfigModel() {}

  /**
   * The shard's /config: its spec range as before, plus the sharding and the ranges it owns in the
   * published layout ({@code owned}); a shard not published yet (a move's new destination) owns
   * nothing until it adopts a range. Null for a shard the spec no longer lists, or before a schema.
   */
  public static ShardConfigRequest request(
      ShardedDatabaseSpec spec, ShardSpec shard, PointRange owned) {
    return request(spec, null, shard, owned);
  }

  /**
   * As above, with the schema every shard has applied ({@code applied}, from the status; null: the
   * spec's, at version 1): a replica configured from scratch starts at the schema its shard's log
   * is at, never at a change not applied yet (docs/sql.md, "Changing the schema"), with every table
   * of that version (a split's destination has each table before its import copies rows into it).
   */
  public static ShardConfigRequest request(
      ShardedDatabaseSpec spec, AppliedSpec applied, ShardSpec shard, PointRange owned) {
    if (shard == null || spec.schema() == null) {
      return null;
    }
    boolean recorded = applied != null && applied.schema() != null;
    SchemaSpec schema = recorded ? applied.schema() : spec.schema();
    long version = recorded ? applied.schemaVersionOrOne() : 1;
    List<TableSchema> others = schema.toTableSet().others();
    return new ShardConfigRequest(
        schema.toTableSchema().toContract(),
        List.of(shard.id()),
        schema.table(),
        schema.shardKey(),
        shard.low(),
        shard.size(),
        spec.shardingOrDefault(),
        owned == null ? List.of() : List.of(owned),
        schema.toTableSchema().columns(),
        version == 1 ? null : version,
        schema.toTableSchema().indexes().isEmpty() ? null : schema.toTableSchema().indexes(),
        others.isEmpty() ? null : others,
        schema.primaryKey());
  }
}
