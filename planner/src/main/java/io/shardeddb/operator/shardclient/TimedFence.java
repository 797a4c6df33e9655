package io.shardeddb.operator.shardclient;

import io.shardeddb.protocol.shard.FenceResponse;
import java.time.Duration;

/** A fence answer and how long it took to arrive (a tie-breaker when electing a primary). */
public record TimedFence(FenceResponse answer, Duration latency) {}
