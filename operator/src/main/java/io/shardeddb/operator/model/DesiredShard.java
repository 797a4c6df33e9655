package io.shardeddb.operator.model;

/**
 * A shard the operator keeps running: its id, replica count (the spec's: what the write quorum is
 * counted over) and the pods its StatefulSet keeps ({@code pods}: the replica count, or more while
 * replicas being removed may still hold acknowledged writes, DESIGN §5 rule 12). Usually a spec
 * shard; also a shard removed from the spec whose removal was refused because it still holds rows.
 */
public record DesiredShard(String id, int replicas, int pods) {
  public DesiredShard(String id, int replicas) {
    this(id, replicas, replicas);
  }

  /** The same shard with its StatefulSet keeping {@code pods} pods. */
  public DesiredShard withPods(int pods) {
    return new DesiredShard(id, replicas, pods);
  }
}
