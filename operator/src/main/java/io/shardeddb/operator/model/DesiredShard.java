package io.shardeddb.operator.model;

/**
 * A shard the operator keeps running: its id, replica count (the spec's: what the write quorum is
 * counted over), the pods its StatefulSet keeps ({@code pods}: the replica count, or more while
 * replicas being removed may still hold acknowledged writes, DESIGN §5 rule 12) and the size its
 * StatefulSet's volume claim template asks for ({@code volumeSize}: null for the spec's; the live
 * template's while a resize cannot change it yet, since the template is immutable on a real API
 * server). Usually a spec shard; also a shard removed from the spec whose removal was refused
 * because it still holds rows.
 */
public record DesiredShard(String id, int replicas, int pods, String volumeSize) {
  public DesiredShard(String id, int replicas) {
    this(id, replicas, replicas, null);
  }

  /** The same shard with its StatefulSet keeping {@code pods} pods. */
  public DesiredShard withPods(int pods) {
    return new DesiredShard(id, replicas, pods, volumeSize);
  }

  /** The same shard with its volume claim template asking for {@code size} (null: the spec's). */
  public DesiredShard withVolumeSize(String size) {
    return new DesiredShard(id, replicas, pods, size);
  }
}
