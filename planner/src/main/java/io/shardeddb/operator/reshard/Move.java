package io.shardeddb.operator.reshard;

import io.shardeddb.protocol.topology.PointRange;

/** Moving the points {@code range} from shard {@code source} to shard {@code destination}. */
public record Move(String source, String destination, PointRange range) {

  @Override
  public String toString() {
    return "["
        + range.low()
        + ", "
        + range.highExclusive()
        + ") from "
        + source
        + " to "
        + destination;
  }
}
