package io.shardeddb.operator.shardclient;

import io.shardeddb.protocol.shard.Heartbeat;
import java.time.Duration;

/** A heartbeat and how long it took to arrive (a tie-breaker when electing a primary). */
public record TimedHeartbeat(Heartbeat heartbeat, Duration latency) {}
