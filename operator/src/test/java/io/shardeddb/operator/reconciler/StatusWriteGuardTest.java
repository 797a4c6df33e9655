package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A status write never overwrites an election recorded since the pass read the resource. */
class StatusWriteGuardTest {

  private static ShardedDatabaseStatus withShard(Long epoch, String primary, Integer ready) {
    return ShardedDatabaseStatus.builder()
        .observedGeneration(1L)
        .conditions(List.of())
        .shardCount(1)
        .shards(
            List.of(
                ShardStatus.builder()
                    .id("sh1")
                    .epoch(epoch)
                    .primary(primary)
                    .readyReplicas(ready)
                    .replicas(List.of())
                    .build()))
        .build();
  }

  @Test
  void aConflictCausedByOtherChangesStillLetsTheWriteThrough() {
    assertThatCode(() -> StatusWriteGuard.check(withShard(3L, "p-1", 2), withShard(3L, "p-1", 3)))
        .doesNotThrowAnyException();
    assertThatCode(() -> StatusWriteGuard.check(null, ShardedDatabaseStatus.builder().build()))
        .doesNotThrowAnyException();
  }

  @Test
  void anElectionRecordedMeanwhileIsNeverOverwritten() {
    assertThatThrownBy(
            () -> StatusWriteGuard.check(withShard(3L, "p-1", 2), withShard(4L, "p-2", 2)))
        .isInstanceOf(StatusWriteGuard.ElectionRecordedMeanwhile.class);
    assertThatThrownBy(() -> StatusWriteGuard.check(null, withShard(1L, "p-0", 0)))
        .isInstanceOf(StatusWriteGuard.ElectionRecordedMeanwhile.class);
  }
}
