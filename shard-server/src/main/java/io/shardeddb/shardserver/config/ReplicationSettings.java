package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code shardeddb.replication.*}: how long a write waits for its quorum, how many concurrent
 * changes share one commit and one round trip, how often a secondary checks it is caught up, and
 * how long a read with {@code minLsn} waits for this replica to reach it, and how many log entries
 * are kept behind the applied LSN (older ones are trimmed; a replica that needs them re-copies).
 */
@ConfigurationProperties("shardeddb.replication")
public record ReplicationSettings(
    @Bindable(defaultValue = "3s") Duration quorumTimeout,
    @Bindable(defaultValue = "512") int maxBatch,
    @Bindable(defaultValue = "500ms") Duration pollInterval,
    @Bindable(defaultValue = "1s") Duration connectTimeout,
    @Bindable(defaultValue = "1s") Duration minLsnWait,
    @Bindable(defaultValue = "2000") int logPageSize,
    @Bindable(defaultValue = "1000000") long logRetention,
    @Bindable(defaultValue = "10s") Duration logTrimInterval) {}
