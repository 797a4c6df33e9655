package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code shardeddb.liveness.*}: how often the lock watchdog takes the locks every request goes
 * through ({@code probe-interval}), and how long one attempt may wait before {@code
 * /health/liveness} says the process is stuck ({@code stuck-after}; the kubelet then restarts the
 * container after its probe's failure threshold). A lock held that long is a deadlock, not load:
 * the longest lock hold in the project's fault matrix is a group commit's few milliseconds.
 */
@ConfigurationProperties("shardeddb.liveness")
public record LivenessSettings(
    @Bindable(defaultValue = "1s") Duration probeInterval,
    @Bindable(defaultValue = "30s") Duration stuckAfter) {}
