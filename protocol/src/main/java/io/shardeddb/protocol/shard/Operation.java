package io.shardeddb.protocol.shard;

/** The kind of change a log entry records. */
public enum Operation {
  /** Insert rows (the {@code rows} of the entry). */
  Write,
  /** Update the row with {@code key} to the values in the single row of {@code rows}. */
  Update,
  /** Delete the row with {@code key}. */
  Delete,
  /**
   * Changes nothing: the entry a new primary appends at its epoch before acknowledging anything
   * (DESIGN §5 rule 3).
   */
  Noop
}
