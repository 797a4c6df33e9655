package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Keeps epochs unique per election across status writes. The SDK's status update sends the
 * resourceVersion it read, but on a 409 it re-applies the change to the newer copy from its cache;
 * replacing the status there would overwrite an election someone else recorded meanwhile (a second
 * operator, or an earlier pass of this one). This check refuses that: the status may only replace
 * the one it was computed from, as far as each shard's epoch and primary go.
 */
public final class StatusWriteGuard {

  /** The status write would overwrite an election recorded since this pass read the resource. */
  public static final class ElectionRecordedMeanwhile extends RuntimeException {
    ElectionRecordedMeanwhile(String message) {
      super(message);
    }
  }

  private StatusWriteGuard() {}

  /**
   * Throws when {@code current} (the copy the write would land on) records a different epoch or
   * primary for some shard than {@code basis} (the status this pass computed from).
   */
  public static void check(ShardedDatabaseStatus basis, ShardedDatabaseStatus current) {
    Map<String, String> before = elections(basis);
    Map<String, String> now = elections(current);
    if (!before.equals(now)) {
      throw new ElectionRecordedMeanwhile(
          "status changed since this pass read it (epochs/primaries "
              + before
              + " → "
              + now
              + "); not overwriting, the next pass starts from the new one");
    }
  }

  private static Map<String, String> elections(ShardedDatabaseStatus status) {
    Map<String, String> out = new TreeMap<>();
    if (status == null) {
      return out;
    }
    for (ShardStatus s : status.shardsOrEmpty()) {
      if (s.epoch() != null) {
        out.put(s.id(), s.epoch() + "/" + Objects.toString(s.primary(), ""));
      }
    }
    return out;
  }
}
