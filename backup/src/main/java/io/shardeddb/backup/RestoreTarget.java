package io.shardeddb.backup;

/**
 * What a restore restores to: exactly one of a named backup, a time, a restore point, or a global
 * timestamp.
 */
public sealed interface RestoreTarget {
  /** The state of a base backup, as its manifest records it. */
  record Backup(String name) implements RestoreTarget {}

  /** Every shard up to its last entry committed at or before {@code millis} (PITR). */
  record Time(long millis) implements RestoreTarget {}

  /** A restore point: each shard exactly up to the LSN recorded in the cut. */
  record Point(String name) implements RestoreTarget {}

  /**
   * Every shard exactly up to its last archived entry whose global timestamp (DESIGN §11) is at or
   * below {@code timestamp}: one cut of the order of every shard's entries ({@link TimestampCut}).
   */
  record Timestamp(long timestamp) implements RestoreTarget {}
}
