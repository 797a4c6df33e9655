package io.shardeddb.operator.recopy;

/** Whether a secondary must re-copy its shard from the primary, and why. */
public record RecopyDecision(boolean resync, String reason) {

  /** Nothing to do. */
  public static final RecopyDecision NONE = new RecopyDecision(false, "");

  /** Re-copy for this reason. */
  public static RecopyDecision resync(String reason) {
    return new RecopyDecision(true, reason);
  }
}
