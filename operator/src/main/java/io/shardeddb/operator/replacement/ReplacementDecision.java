package io.shardeddb.operator.replacement;

/** What to do with a shard pod: keep it, delete it, or force-delete it (its node is gone). */
public record ReplacementDecision(Action action, String reason) {

  /** The possible actions. */
  public enum Action {
    KEEP,
    DELETE,
    FORCE_DELETE
  }

  /** Keep the pod. */
  public static final ReplacementDecision KEEP = new ReplacementDecision(Action.KEEP, "");
}
