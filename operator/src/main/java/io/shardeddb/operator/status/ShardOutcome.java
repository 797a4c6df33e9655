package io.shardeddb.operator.status;

import io.shardeddb.api.v1alpha1.ShardStatus;

/** The result of one coordination pass over a shard: its new status, phase and a message. */
public record ShardOutcome(
    ShardStatus status, int desiredReplicas, ShardPhase phase, String message) {}
