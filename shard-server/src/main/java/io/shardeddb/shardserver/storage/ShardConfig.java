package io.shardeddb.shardserver.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;

/**
 * What {@code /config} fixed for this replica: the shard id, the table and its key range {@code
 * [low, low+size)} (unbounded when {@code low} is null).
 */
@Serdeable
public record ShardConfig(
    String shardId, TableSchema schema, @Nullable Long low, @Nullable Long size) {

  /** Whether {@code key} belongs to this shard. */
  public boolean contains(long key) {
    if (low == null) {
      return true;
    }
    return key >= low && (size == null || key - low < size);
  }

  /** Fails with a 400 naming the key and the range unless {@code key} belongs to this shard. */
  public void requireContains(long key) {
    if (!contains(key)) {
      throw new InvalidRequestException(
          schema.shardKey()
              + " "
              + key
              + " is outside shard "
              + shardId
              + "'s range ["
              + low
              + ", "
              + (size == null ? "unbounded" : String.valueOf(low + size))
              + ")");
    }
  }
}
