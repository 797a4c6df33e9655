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
  Noop,
  /**
   * Stop owning a range of points ({@code rows} holds one {@code {low, size, moveId}}): from this
   * entry on the shard refuses (421) keys in it (docs/resharding.md).
   */
  Fence,
  /** Start owning a range of points ({@code rows} as for {@link #Fence}). */
  Adopt,
  /** Delete the rows whose point lies in a range the shard no longer owns. */
  Purge,
  /**
   * Change the table's schema to the one its single row carries ({@link SchemaChange#payload}):
   * every copy applies it in log order, so a row written after it may use what it adds
   * (docs/log-format.md, "Schema entries").
   */
  Schema,
  /**
   * Several writes, updates and deletes of one shard committed as one: one transaction's changes
   * ({@code rows} are its steps, {@link TxnStep#payload}), applied all or none by the primary, a
   * secondary, an import, an archive's replay and a restore (docs/log-format.md, "Transaction
   * entries").
   */
  Txn,
  /**
   * The timestamp oracle's persisted window (DESIGN §11): its one row {@code {"until": millis}}
   * says the oracle shard's primary may hand out timestamps below that millisecond; every copy
   * keeps the highest in its config, so a new primary starts above everything handed out before.
   * Changes no row.
   */
  Clock
}
