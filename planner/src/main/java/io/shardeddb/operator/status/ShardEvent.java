package io.shardeddb.operator.status;

/** An Event the decision code wants recorded, as data: the recorder is the one that sends it. */
public record ShardEvent(EventReason reason, String message) {}
