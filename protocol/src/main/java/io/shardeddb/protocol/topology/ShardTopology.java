package io.shardeddb.protocol.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.shard.LogPosition;
import java.util.List;
import java.util.Optional;

/**
 * One shard as the router sees it: its key range, the primary chosen for the current epoch, every
 * replica with its address, and its session floor: the log position of the adopt that last gave it
 * points (null: none published), which every replica serving a session read of the shard must have
 * reached (DESIGN §5 rule 9). The epoch only grows; a higher epoch always wins.
 */
@Serdeable
public record ShardTopology(
    String id,
    long low,
    long size,
    long epoch,
    String primary,
    List<Replica> replicas,
    @Nullable LogPosition sessionFloor)
    implements KeyRanged {

  public ShardTopology {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }

  /** A shard with no session floor. */
  public ShardTopology(
      String id, long low, long size, long epoch, String primary, List<Replica> replicas) {
    this(id, low, size, epoch, primary, replicas, null);
  }

  /** The replica named as primary, if it is listed. */
  @JsonIgnore
  public Optional<Replica> primaryReplica() {
    if (primary == null) {
      return Optional.empty();
    }
    return replicas.stream().filter(r -> primary.equals(r.name())).findFirst();
  }

  /** The replica with this name, if listed. */
  public Optional<Replica> replica(String name) {
    return replicas.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
