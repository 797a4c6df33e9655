package io.shardeddb.shardserver.replication;

import io.shardeddb.shardserver.storage.ShardConfig;

/**
 * Takes on the shard config a primary's snapshot ships (a re-copying replica that was empty learns
 * its table from it). {@link ShardConfigService} is the production one.
 */
public interface ConfigAdopter {
  /** As {@link ShardConfigService#adopt}: persists and applies {@code config}. */
  void adopt(ShardConfig config, boolean replaceOwned);
}
