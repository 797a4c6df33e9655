package io.shardeddb.api.v1alpha1;

/** Where a resharding move stands (docs/resharding.md, "One move"). */
public enum MovePhase {
  /** The destination shard is being brought up (owning nothing) until it is Ready. */
  Pending,
  /** The destination copies a consistent snapshot of the range from the source's primary. */
  Copying,
  /** The destination applies the source's log filtered to the range. */
  CatchingUp,
  /** The source is fenced for the range; the destination catches up and adopts it. */
  CuttingOver,
  /** The new layout is published; the source deletes the range's rows. */
  Purging,
  /** The range is the destination's and the source's copy is gone. */
  Done,
  /** The spec was reverted before the cut-over; the source owns the range as before. */
  Aborted;

  /** Whether the move is over (Done or Aborted). */
  public boolean finished() {
    return this == Done || this == Aborted;
  }
}
