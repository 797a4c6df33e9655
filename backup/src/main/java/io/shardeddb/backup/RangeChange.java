package io.shardeddb.backup;

/**
 * A change of the key ranges a shard owns, as its archive recorded it (docs/backup.md): a
 * resharding move's {@code Fence} (the shard stops taking writes for the range), {@code Adopt} (it
 * starts owning it) or {@code Purge} (it deletes the rows it no longer owns), at {@code lsn},
 * committed by {@code millis} (the same stamp the archived entry carries). {@link RestorePlanner}
 * derives the layout at a restore's target from the base backup's and these.
 */
public record RangeChange(String shard, long lsn, long millis, String op, long low, long size) {

  /** The change in words, for an error. */
  public String describe() {
    String what =
        switch (op) {
          case "Fence" -> "stopped taking writes for";
          case "Adopt" -> "started owning";
          case "Purge" -> "deleted its rows of";
          default -> op + " of";
        };
    return "shard "
        + shard
        + " "
        + what
        + " points ["
        + low
        + ", "
        + (low + size)
        + ") at lsn "
        + lsn
        + " ("
        + java.time.Instant.ofEpochMilli(millis)
        + ")";
  }
}
