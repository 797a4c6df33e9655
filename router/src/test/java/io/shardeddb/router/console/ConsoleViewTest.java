package io.shardeddb.router.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ReshardingStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.console.ConsoleStatus.ReplicaView;
import io.shardeddb.router.console.ConsoleStatus.ShardView;
import io.shardeddb.router.routing.ReplicaHealth.Observation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's document joins the topology the router routes by with the operator's status and the
 * router's heartbeats, as {@code kubectl-sdb status} shows them.
 */
class ConsoleViewTest {
  static final ConsoleView.Origin ORIGIN = new ConsoleView.Origin("ns", "kubernetes");

  static final Topology TOPOLOGY =
      new Topology(
          "students",
          7,
          null,
          null,
          List.of(
              new ShardTopology(
                  "sh1",
                  0,
                  4096,
                  3,
                  "students-sh1-1",
                  List.of(
                      new Replica("students-sh1-0", "http://10.0.0.1:8081", Role.Secondary),
                      new Replica("students-sh1-1", "http://10.0.0.2:8081", Role.Primary),
                      new Replica("students-sh1-2", "http://10.0.0.3:8081", Role.Secondary)))),
          Map.of());

  static Heartbeat heartbeat(String name, Role role, long epoch, long applied, ReplicaState st) {
    return Heartbeat.builder(name, "sh1")
        .role(role)
        .epoch(epoch)
        .appliedLsn(applied)
        .lastEntryEpoch(epoch)
        .lagLsn(0)
        .state(st)
        .build();
  }

  static ShardedDatabase resource() {
    ShardedDatabase db = new ShardedDatabase();
    db.setMetadata(new ObjectMetaBuilder().withName("students").withGeneration(4L).build());
    db.setStatus(
        new ShardedDatabaseStatus(
            4L,
            List.of(
                new ConditionBuilder()
                    .withType("Ready")
                    .withStatus("False")
                    .withReason("ShardDegraded")
                    .withMessage("sh1 has 2 of 3 replicas ready")
                    .build()),
            2,
            "5/6",
            List.of(
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(3L)
                    .primary("students-sh1-1")
                    .readyReplicas(2)
                    .replicas(
                        List.of(
                            new ReplicaStatus(
                                "students-sh1-0",
                                "http://10.0.0.1:8081",
                                Role.Secondary,
                                false,
                                ReplicaState.Copying,
                                10L,
                                90L,
                                40),
                            new ReplicaStatus(
                                "students-sh1-1",
                                "http://10.0.0.2:8081",
                                Role.Primary,
                                true,
                                ReplicaState.Ready,
                                100L,
                                0L,
                                null),
                            new ReplicaStatus(
                                "students-sh1-2",
                                "http://10.0.0.3:8081",
                                Role.Secondary,
                                true,
                                ReplicaState.Ready,
                                100L,
                                0L,
                                null)))
                    .build(),
                // Created by a split, not yet published: the router does not route to it.
                ShardStatus.builder()
                    .id("sh2")
                    .epoch(1L)
                    .primary("students-sh2-0")
                    .readyReplicas(1)
                    .replicas(
                        List.of(
                            new ReplicaStatus(
                                "students-sh2-0",
                                "http://10.0.0.4:8081",
                                Role.Primary,
                                true,
                                ReplicaState.Ready,
                                5L,
                                0L,
                                null)))
                    .build()),
            new RouterStatus(2, "http://students-router:8080"),
            null,
            null,
            new ReshardingStatus(
                List.of(
                    new MoveStatus(
                        "m1",
                        "sh1",
                        "sh2",
                        2048,
                        2048,
                        MovePhase.Copying,
                        1200L,
                        null,
                        null,
                        1,
                        "copying 1200 rows")))));
    return db;
  }

  @Test
  void everyReplicaGetsItsRoleHealthEpochAndLag() {
    Map<String, Observation> seen =
        Map.of(
            "http://10.0.0.1:8081",
            new Observation(
                true, heartbeat("students-sh1-0", Role.Secondary, 3, 10, ReplicaState.Copying)),
            "http://10.0.0.2:8081",
            new Observation(
                true, heartbeat("students-sh1-1", Role.Primary, 3, 100, ReplicaState.Ready)),
            "http://10.0.0.3:8081",
            new Observation(false, null));
    ConsoleStatus s = ConsoleView.of(ORIGIN, TOPOLOGY, seen::get, resource(), List.of(), "note");

    assertThat(s.database()).isEqualTo("students");
    assertThat(s.topologyVersion()).isEqualTo(7);
    assertThat(s.generation()).isEqualTo(4L);
    assertThat(s.conditions())
        .extracting(c -> c.type() + "=" + c.status())
        .containsExactly("Ready=False");
    assertThat(s.router().readyReplicas()).isEqualTo(2);

    ShardView sh1 = s.shards().get(0);
    assertThat(sh1.primary()).isEqualTo("students-sh1-1");
    assertThat(sh1.epoch()).isEqualTo(3);
    assertThat(sh1.readyReplicas()).isEqualTo(2);
    assertThat(sh1.replicas())
        .extracting(ReplicaView::name, ReplicaView::role, ReplicaView::health, ReplicaView::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "students-sh1-0", "Secondary", "not ready", "Copying"),
            org.assertj.core.groups.Tuple.tuple("students-sh1-1", "Primary", "healthy", "Ready"),
            // The operator last saw it ready; the router's heartbeat now gets no answer.
            org.assertj.core.groups.Tuple.tuple(
                "students-sh1-2", "Secondary", "unreachable", "Ready"));
    ReplicaView copying = sh1.replicas().get(0);
    assertThat(copying.lagLsn()).isEqualTo(90L);
    assertThat(copying.copyProgress()).isEqualTo(40);
    assertThat(copying.epoch()).isEqualTo(3L);
  }

  @Test
  void aShardTheOperatorReportsButTheRouterDoesNotRouteToYetIsListedAfterTheRoutedOnes() {
    ConsoleStatus s = ConsoleView.of(ORIGIN, TOPOLOGY, url -> null, resource(), List.of(), null);
    assertThat(s.shards()).extracting(ShardView::id).containsExactly("sh1", "sh2");
    assertThat(s.shards().get(1).replicas())
        .extracting(ReplicaView::role)
        .containsExactly("Primary");
  }

  @Test
  void movesShowTheirPhaseAndProgress() {
    ConsoleStatus s = ConsoleView.of(ORIGIN, TOPOLOGY, url -> null, resource(), List.of(), null);
    assertThat(s.moves()).hasSize(1);
    assertThat(s.moves().get(0).phase()).isEqualTo("Copying");
    assertThat(s.moves().get(0).finished()).isFalse();
    assertThat(s.moves().get(0).rowsCopied()).isEqualTo(1200L);
  }

  @Test
  void withoutTheResourceTheRouterHeartbeatsAloneSayHowReplicasAre() {
    Map<String, Observation> seen =
        Map.of(
            "http://10.0.0.2:8081",
            new Observation(
                true, heartbeat("students-sh1-1", Role.Primary, 3, 100, ReplicaState.Ready)),
            "http://10.0.0.3:8081",
            new Observation(
                true, heartbeat("students-sh1-2", Role.Secondary, 3, 98, ReplicaState.CatchingUp)));
    ConsoleStatus s =
        ConsoleView.of(
            new ConsoleView.Origin("ns", "standalone"), TOPOLOGY, seen::get, null, List.of(), null);
    assertThat(s.generation()).isNull();
    assertThat(s.conditions()).isEmpty();
    assertThat(s.moves()).isEmpty();
    assertThat(s.shards()).hasSize(1);
    assertThat(s.shards().get(0).replicas())
        .extracting(ReplicaView::health)
        .containsExactly("unknown", "healthy", "not ready");
    assertThat(s.shards().get(0).replicas().get(2).appliedLsn()).isEqualTo(98L);
  }

  @Test
  void cabinetsWeightsAndBestWeightedMajorityComeFromThePrimarysHeartbeat() {
    Heartbeat primary =
        heartbeat("students-sh1-1", Role.Primary, 3, 100, ReplicaState.Ready).toBuilder()
            .quorum(
                new io.shardeddb.protocol.shard.QuorumState(
                    3,
                    List.of("students-sh1-0", "students-sh1-2"),
                    true,
                    4,
                    List.of(),
                    100,
                    false,
                    List.of(
                        io.shardeddb.protocol.quorum.CabinetWeights.primary("students-sh1-1"),
                        io.shardeddb.protocol.quorum.CabinetWeights.of("students-sh1-2", 0.5, 0),
                        io.shardeddb.protocol.quorum.CabinetWeights.of(
                            "students-sh1-0", 120.0, 4))))
            .build();
    Map<String, Observation> seen = Map.of("http://10.0.0.2:8081", new Observation(true, primary));

    ShardView sh1 =
        ConsoleView.of(ORIGIN, TOPOLOGY, seen::get, null, List.of(), null).shards().get(0);

    assertThat(sh1.bestWeightedMajority()).containsExactly("students-sh1-1", "students-sh1-2");
    assertThat(sh1.replicas())
        .extracting(ReplicaView::name, ReplicaView::weight, ReplicaView::ackLatencyMillis)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("students-sh1-0", 1.0 / 125, 120.0),
            org.assertj.core.groups.Tuple.tuple("students-sh1-1", 1.0, 0.0),
            org.assertj.core.groups.Tuple.tuple("students-sh1-2", 1.0 / 1.5, 0.5));
    // Without the primary's heartbeat: no weights, no majority made up.
    ShardView unseen =
        ConsoleView.of(ORIGIN, TOPOLOGY, url -> null, null, List.of(), null).shards().get(0);
    assertThat(unseen.bestWeightedMajority()).isNull();
    assertThat(unseen.replicas()).allSatisfy(r -> assertThat(r.weight()).isNull());
  }

  @Test
  void eachShardCarriesTheWritesTheRouterCountedForIt() {
    io.shardeddb.router.routing.WriteHistogram counted =
        new io.shardeddb.router.routing.WriteHistogram();
    counted.record(5, 3_000_000);
    ShardView sh1 =
        ConsoleView.of(
                ORIGIN,
                TOPOLOGY,
                url -> null,
                shard -> shard.equals("sh1") ? counted.snapshot() : null,
                resource(),
                List.of(),
                null)
            .shards()
            .get(0);
    assertThat(sh1.writes().calls()).isEqualTo(1);
    assertThat(sh1.writes().rows()).isEqualTo(5);
    assertThat(sh1.writes().boundsMillis())
        .isEqualTo(io.shardeddb.router.routing.WriteHistogram.BOUNDS_MILLIS);
    assertThat(sh1.writes().counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    // The shard the operator reports but the router does not route to yet: nothing counted.
    ConsoleStatus s = ConsoleView.of(ORIGIN, TOPOLOGY, url -> null, resource(), List.of(), null);
    assertThat(s.shards()).extracting(ShardView::writes).containsOnlyNulls();
  }
}
