package io.shardeddb.shardserver.replication.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.replication.rules.ImportRules.SourceReplica;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rule 13's importer after each page: the primary it reads from, asked alone, is enough while it
 * says it still leads; anything else sends it to ask every source replica.
 */
class ImportRulesTest {
  private static final SourceReplica SRC =
      new SourceReplica("https://a1", "a1", Role.Primary, 3, ReplicaState.Ready);

  private static QuorumState quorum(boolean termCommitted, boolean steppedDown) {
    return new QuorumState(3, List.of("a2", "a3"), termCommitted, 10, List.of(), 40, steppedDown);
  }

  private static Heartbeat hb(
      String name, Role role, long epoch, ReplicaState state, QuorumState quorum) {
    return new Heartbeat(
        name, "sh1", role, epoch, 40, epoch, name, 0, state, null, null, List.of(), null, quorum);
  }

  @Test
  void thePrimaryReadFromLeadsWhileItsTermStands() {
    assertThat(
            ImportRules.stillLeads(
                SRC, hb("a1", Role.Primary, 3, ReplicaState.Ready, quorum(true, false))))
        .isTrue();
  }

  @Test
  void anythingElseAsksEveryReplica() {
    QuorumState standing = quorum(true, false);
    assertThat(ImportRules.stillLeads(SRC, null)).as("no answer").isFalse();
    assertThat(ImportRules.stillLeads(SRC, hb("a2", Role.Primary, 3, ReplicaState.Ready, standing)))
        .as("another server at the address")
        .isFalse();
    assertThat(
            ImportRules.stillLeads(SRC, hb("a1", Role.Secondary, 3, ReplicaState.Ready, standing)))
        .as("no longer primary")
        .isFalse();
    assertThat(ImportRules.stillLeads(SRC, hb("a1", Role.Primary, 4, ReplicaState.Ready, standing)))
        .as("another epoch")
        .isFalse();
    assertThat(
            ImportRules.stillLeads(SRC, hb("a1", Role.Primary, 3, ReplicaState.Fenced, standing)))
        .as("fenced")
        .isFalse();
    assertThat(
            ImportRules.stillLeads(
                SRC, hb("a1", Role.Primary, 3, ReplicaState.Ready, quorum(true, true))))
        .as("stood down: no majority within a lease period (rule 11)")
        .isFalse();
    assertThat(
            ImportRules.stillLeads(
                SRC, hb("a1", Role.Primary, 3, ReplicaState.Ready, quorum(false, false))))
        .as("its term not committed yet")
        .isFalse();
    assertThat(ImportRules.stillLeads(SRC, hb("a1", Role.Primary, 3, ReplicaState.Ready, null)))
        .as("a shard-server reporting no quorum")
        .isFalse();
  }
}
