package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Rule 7: the copy state transitions. */
class CopyStateTest {
  @Test
  void beginningACopyForgetsThePositionAndMakesTheReplicaNoCandidate() {
    CopyState s = new CopyState(false, 1000, 3).begin();
    assertThat(s).isEqualTo(new CopyState(true, 0, 0));
    assertThat(s.candidate()).isFalse();
  }

  @Test
  void aFailedCopyStaysCopyingAndAFinishedOneTakesTheSnapshotPosition() {
    CopyState begun = new CopyState(false, 1000, 3).begin();
    assertThat(begun.fail()).isEqualTo(begun);
    assertThat(begun.finish(1200, 4)).isEqualTo(new CopyState(false, 1200, 4));
    assertThat(begun.finish(1200, 4).candidate()).isTrue();
  }
}
