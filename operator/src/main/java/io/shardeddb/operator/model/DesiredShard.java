package io.shardeddb.operator.model;

/**
 * A shard the operator keeps running: its id and replica count. Usually a spec shard; also a shard
 * removed from the spec whose removal was refused because it still holds rows.
 */
public record DesiredShard(String id, int replicas) {}
