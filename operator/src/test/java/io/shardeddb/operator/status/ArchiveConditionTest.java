package io.shardeddb.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.operator.backup.ArchiveHealth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 25 item 5: a store that is unreachable or a bucket that is wrong gets a condition with the
 * reason (the Events alone scroll away); writes go on, and it clears when archiving catches up.
 */
class ArchiveConditionTest {

  @Test
  void aStalledShardMakesTheConditionFalseNamingTheShardAndTheStoresError() {
    ArchiveHealth health = new ArchiveHealth();
    assertThat(health.report("ns/db", "sh2", "NoSuchBucket: the bucket does not exist")).isTrue();
    assertThat(health.report("ns/db", "sh1", null)).isFalse();

    DesiredCondition c = ArchiveCondition.of(true, health.stalled("ns/db"));

    assertThat(c.type()).isEqualTo(ConditionType.ContinuousArchiving);
    assertThat(c.status()).isFalse();
    assertThat(c.reason()).isEqualTo(ConditionReason.ArchiveStalled.name());
    assertThat(c.message())
        .contains("sh2")
        .contains("NoSuchBucket")
        .contains("writes go on")
        .doesNotContain("sh1");
  }

  /** docs/backup.md, "One owner per archive": the refusal is named, with whose archive it is. */
  @Test
  void aRefusedArchiveMakesTheConditionFalseNamingTheOwnerAheadOfStalls() {
    ArchiveHealth health = new ArchiveHealth();
    health.report("ns/db", "sh2", "connection refused");
    assertThat(health.report("ns/db", "sh1", "belongs to ShardedDatabase ns/db (uid old)", true))
        .isTrue();
    assertThat(health.report("ns/db", "sh1", "belongs to ShardedDatabase ns/db (uid old)", true))
        .isFalse();

    DesiredCondition c = ArchiveCondition.of(true, health.stalled("ns/db"));

    assertThat(c.status()).isFalse();
    assertThat(c.reason()).isEqualTo(ConditionReason.ArchiveRefused.name());
    assertThat(c.message()).contains("shard sh1").contains("uid old").doesNotContain("sh2");
  }

  @Test
  void aRecoveredShardClearsIt() {
    ArchiveHealth health = new ArchiveHealth();
    health.report("ns/db", "sh2", "connection refused");
    assertThat(health.report("ns/db", "sh2", "connection refused")).isFalse();
    assertThat(health.report("ns/db", "sh2", null)).isTrue();

    DesiredCondition c = ArchiveCondition.of(true, health.stalled("ns/db"));

    assertThat(c.status()).isTrue();
    assertThat(c.reason()).isEqualTo(ConditionReason.ArchivingHealthy.name());
  }

  @Test
  void withoutSpecBackupItSaysNothingIsArchived() {
    DesiredCondition c = ArchiveCondition.of(false, List.of());

    assertThat(c.status()).isFalse();
    assertThat(c.reason()).isEqualTo(ConditionReason.BackupNotConfigured.name());
    assertThat(c.message()).contains("spec.backup");
  }

  @Test
  void anotherDatabasesStallIsNotThisOnes() {
    ArchiveHealth health = new ArchiveHealth();
    health.report("ns/other", "sh1", "timeout");

    assertThat(health.stalled("ns/db")).isEmpty();
  }
}
