package io.shardeddb.protocol.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Optional;

/**
 * One shard as the router sees it: its key range, the primary chosen for the current epoch and
 * every replica with its address. The epoch only grows; a higher epoch always wins.
 */
@Serdeable
public record ShardTopology(
    String id, long low, long size, long epoch, String primary, List<Replica> replicas)
    implements KeyRanged {

  public ShardTopology {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
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
