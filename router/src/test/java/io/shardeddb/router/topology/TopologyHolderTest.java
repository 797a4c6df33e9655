package io.shardeddb.router.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.Topology;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The holder swaps whole routing tables, refuses stale pushes and wakes waiting requests. */
class TopologyHolderTest {
  final TopologyHolder holder = new TopologyHolder("db");

  static Topology version(long v) {
    return new Topology("db", v, null, null, List.of(), Map.of());
  }

  @Test
  void startsEmptyAndNotLoaded() {
    assertThat(holder.current().version()).isZero();
    assertThat(holder.current().initialized()).isFalse();
    assertThat(holder.loaded()).isFalse();
  }

  @Test
  void aPushedTopologyMustBeNewer() {
    holder.accept(version(3));
    assertThat(holder.loaded()).isTrue();
    assertThatThrownBy(() -> holder.accept(version(3)))
        .isInstanceOf(StaleTopologyException.class)
        .hasMessageContaining("not newer than the current version 3");
  }

  @Test
  void publishAssignsTheNextVersion() {
    holder.accept(version(7));
    assertThat(holder.publish(t -> version(0)).version()).isEqualTo(8);
  }

  @Test
  void publishKeepsTheSharding() {
    Topology hash = new Topology("db", 0, null, null, List.of(), Map.of(), Sharding.Hash);
    assertThat(holder.publish(t -> hash).topology().sharding()).isEqualTo(Sharding.Hash);
  }

  @Test
  void aRequestWaitingForANewerTopologyIsWokenByTheNextChange() {
    CompletableFuture<RoutingTable> waiting = holder.newerThan(0);
    assertThat(waiting).isNotDone();
    holder.publish(t -> version(0));
    assertThat(waiting).isCompletedWithValueMatching(t -> t.version() == 1);
    assertThat(holder.newerThan(0)).isCompletedWithValueMatching(t -> t.version() == 1);
  }
}
