package io.shardeddb.operator.model;

/**
 * A shard the operator keeps running: its id, replica count (the spec's: what the write quorum is
 * counted over), the pods its StatefulSet keeps ({@code pods}: the replica count, or more while
 * replicas being removed may still hold acknowledged writes, DESIGN §5 rule 12) and the size its
 * StatefulSet's volume claim template asks for ({@code volumeSize}: null for the spec's; the live
 * template's while a resize cannot change it yet, since the template is immutable on a real API
 * server), and whether its StatefulSet is held ({@code statefulSetHeld}: being deleted, with its
 * pods orphaned, to be re-created with a new claim template; the workflow then neither creates,
 * updates nor deletes it, so it is never created again with the old template while the old one
 * goes). Usually a spec shard; also a shard removed from the spec whose removal was refused because
 * it still holds rows.
 */
public record DesiredShard(
    String id, int replicas, int pods, String volumeSize, boolean statefulSetHeld) {
  public DesiredShard(String id, int replicas) {
    this(id, replicas, replicas, null, false);
  }

  /** The same shard with its StatefulSet keeping {@code pods} pods. */
  public DesiredShard withPods(int pods) {
    return new DesiredShard(id, replicas, pods, volumeSize, statefulSetHeld);
  }

  /** The same shard with its volume claim template asking for {@code size} (null: the spec's). */
  public DesiredShard withVolumeSize(String size) {
    return new DesiredShard(id, replicas, pods, size, statefulSetHeld);
  }

  /** The same shard with its StatefulSet held (or not) while it is re-created. */
  public DesiredShard withStatefulSetHeld(boolean held) {
    return new DesiredShard(id, replicas, pods, volumeSize, held);
  }
}
