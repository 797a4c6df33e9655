package io.shardeddb.operator.status;

import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import java.util.Set;

/**
 * The result of one coordination pass over a shard: its new status, phase and a message; the
 * outcome of a request handled in the pass (null: none), and the replicas whose copy was verified
 * against the primary in this pass (a rebuild completes with them).
 */
public record ShardOutcome(
    ShardStatus status,
    int desiredReplicas,
    ShardPhase phase,
    String message,
    RequestStatus request,
    Set<String> verified) {

  /** An outcome with no request and no verified copy. */
  public ShardOutcome(ShardStatus status, int desiredReplicas, ShardPhase phase, String message) {
    this(status, desiredReplicas, phase, message, null, Set.of());
  }

  /** This outcome with a request outcome and the copies verified in the pass. */
  public ShardOutcome with(RequestStatus handled, Set<String> verifiedCopies) {
    return new ShardOutcome(status, desiredReplicas, phase, message, handled, verifiedCopies);
  }
}
