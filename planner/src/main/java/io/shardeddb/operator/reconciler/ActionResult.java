package io.shardeddb.operator.reconciler;

/** How one {@link ShardAction} went: done, or failed with an HTTP status (0: no answer). */
public record ActionResult(ShardAction action, boolean ok, int status, String error) {

  /** The action succeeded. */
  public static ActionResult done(ShardAction action) {
    return new ActionResult(action, true, 200, null);
  }

  /** Whether the replica refused because it has seen a higher epoch. */
  public boolean staleEpoch() {
    return !ok && status == 409;
  }
}
