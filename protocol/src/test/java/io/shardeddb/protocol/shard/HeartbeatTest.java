package io.shardeddb.protocol.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Heartbeats built by named fields, and changed by with-methods that keep every other field. */
class HeartbeatTest {
  private final Heartbeat copying =
      Heartbeat.builder("db-sh1-1", "sh1")
          .role(Role.Secondary)
          .epoch(3)
          .appliedLsn(10)
          .lastEntryEpoch(2)
          .primary("db-sh1-0")
          .lagLsn(5)
          .state(ReplicaState.Copying)
          .copy(new CopyProgress(4, 8, 9))
          .primaryUrl("http://10.0.0.1:8081")
          .owned(List.of(new PointRange(0, 100)))
          .build();

  @Test
  void aFieldNotSetIsEmptyAsAnOlderServerSendsIt() {
    Heartbeat h = Heartbeat.builder("db-sh1-0", "sh1").build();

    assertThat(h)
        .isEqualTo(
            new Heartbeat(
                "db-sh1-0", "sh1", null, 0, 0, 0, null, 0, null, null, null, null, null, null));
  }

  @Test
  void toBuilderKeepsEveryField() {
    assertThat(copying.toBuilder().build()).isEqualTo(copying);
    assertThat(copying.toBuilder().epoch(4).build())
        .isEqualTo(
            new Heartbeat(
                "db-sh1-1",
                "sh1",
                Role.Secondary,
                4,
                10,
                2,
                "db-sh1-0",
                5,
                ReplicaState.Copying,
                new CopyProgress(4, 8, 9),
                "http://10.0.0.1:8081",
                List.of(new PointRange(0, 100)),
                null,
                null));
  }

  @Test
  void aNewPositionKeepsTheCopyOnlyWhileCopying() {
    assertThat(copying.withPosition(12, 3, ReplicaState.Copying).copy()).isNotNull();
    Heartbeat ready = copying.withPosition(12, 3, ReplicaState.Ready);

    assertThat(ready.copy()).isNull();
    assertThat(ready.toBuilder().copy(copying.copy()).appliedLsn(10).lastEntryEpoch(2).build())
        .isEqualTo(copying.toBuilder().state(ReplicaState.Ready).build());
    assertThat(copying.withQuorum(null)).isEqualTo(copying);
  }
}
