package io.shardeddb.shardserver.replication;

import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.util.Objects;

/**
 * What a replica's config becomes when a config arrives (pure; {@code ShardConfigService} persists
 * it, the simulator's replica runs the same decision): {@code /config} on an unconfigured replica
 * is taken (ownership recorded explicitly from bring-up on, so range entries have a list to
 * change); the same shard again changes nothing — ownership and the schema change only through the
 * log — unless {@code fromSnapshot}: a snapshot of the primary ships what the shard owns and its
 * schema at the snapshot's LSN (every table's, at the database's schema version), which the
 * re-copied replica takes as a replay up to there would have left them. Another shard, first table
 * or sharding is a 409.
 */
public final class ConfigAdoption {
  private ConfigAdoption() {}

  /** The config after {@code arrived}; {@code current} itself when nothing changes. */
  public static ShardConfig next(
      String replica, ShardConfig current, ShardConfig arrived, boolean fromSnapshot) {
    if (current == null) {
      return arrived.owned() == null && arrived.ownedRanges() != null
          ? arrived.withOwned(arrived.ownedRanges())
          : arrived;
    }
    if (!current.sameShardAs(arrived)) {
      throw ShardException.conflict(
          "conflicting config: "
              + replica
              + " already holds shard "
              + current.shardId()
              + " as "
              + describe(current)
              + ", not "
              + describe(arrived));
    }
    if (!fromSnapshot) {
      return current;
    }
    ShardConfig next = current;
    if (!Objects.equals(current.ownedRanges(), arrived.ownedRanges())) {
      next = next.withOwned(arrived.ownedRanges());
    }
    if (!current.schema().equals(arrived.schema())
        || current.schemaVersionOrOne() != arrived.schemaVersionOrOne()
        || !current.otherTables().equals(arrived.otherTables())) {
      next = next.withTablesOf(arrived);
    }
    // The oracle's window never goes down, whichever side holds the higher one.
    return next.withTimestampWindow(arrived.timestampWindowOrZero());
  }

  private static String describe(ShardConfig c) {
    return c.schema().table()
        + c.schema().columns().stream().map(col -> col.name() + ":" + col.type()).toList()
        + " key "
        + c.schema().shardKey()
        + " sharding "
        + c.pointsBy();
  }
}
