package io.shardeddb.protocol.lb;

/** An inclusive key range {@code [low, high]} as read requests carry it. */
public record KeyRange(long low, long high) {}
