package io.shardeddb.protocol.shard;

/** Where an import (docs/resharding.md) stands on the destination primary. */
public enum ImportState {
  /** Copying the snapshot of the range. */
  Copying,
  /** Snapshot done; applying the source's log filtered to the range. */
  CatchingUp,
  /** Stopped by {@code DELETE /import} (after an adopt, or an abort). */
  Stopped,
  /** Cannot go on (message says why); the operator re-sends the request to start over. */
  Failed
}
