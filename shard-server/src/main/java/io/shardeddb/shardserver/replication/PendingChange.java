package io.shardeddb.shardserver.replication;

import java.util.concurrent.CompletableFuture;

/**
 * A client change queued for the batcher, or (change == null) a wake-up that makes the batcher
 * append the no-op; {@code queuedAt} is when it was queued, on the replica's clock (for the per-hop
 * timers).
 */
record PendingChange(
    ClientChange change, CompletableFuture<WriteCoordinator.Acked> done, long queuedAt) {}
