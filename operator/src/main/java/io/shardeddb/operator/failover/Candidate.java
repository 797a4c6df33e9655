package io.shardeddb.operator.failover;

import java.time.Duration;

/**
 * A replica that answered the operator's heartbeat during failover: its epoch, the epoch of its
 * last log entry and its applied LSN (how up to date it is), its heartbeat latency and its pod's
 * restart count (tie-breakers), and whether it may hold data a primary needs (not mid-copy).
 */
public record Candidate(
    String pod,
    long epoch,
    long lastEntryEpoch,
    long appliedLsn,
    Duration latency,
    int restarts,
    boolean eligible) {}
