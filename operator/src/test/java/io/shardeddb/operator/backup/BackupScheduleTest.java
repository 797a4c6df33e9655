package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.shardeddb.api.v1alpha1.BackupRetentionSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ReshardingStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackup;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseBackupStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spec.backup.schedule (cron) and retention, as pure decisions. */
class BackupScheduleTest {

  private static ZonedDateTime at(String iso) {
    return ZonedDateTime.parse(iso);
  }

  @Test
  void aDailyScheduleFiresOnceADayAtItsMinute() {
    CronSchedule daily = CronSchedule.parse("0 3 * * *");
    assertThat(daily.matches(at("2026-11-23T03:00:00Z"))).isTrue();
    assertThat(daily.matches(at("2026-11-23T03:01:00Z"))).isFalse();
    assertThat(daily.matches(at("2026-11-23T04:00:00Z"))).isFalse();
  }

  @Test
  void aPassThatCameLateStillFindsTheMinuteItWasDueOnce() {
    CronSchedule daily = CronSchedule.parse("0 3 * * *");
    // The pass meant for 03:00 ran at 03:01:30 (the timer slipped): the minute 03:00 is still due.
    assertThat(daily.latestDue(at("2026-11-23T02:59:00Z"), at("2026-11-23T03:01:30Z"), 60))
        .contains(at("2026-11-23T03:00:00Z"));
    // The next pass, a minute later, finds nothing new.
    assertThat(daily.latestDue(at("2026-11-23T03:01:00Z"), at("2026-11-23T03:02:00Z"), 60))
        .isEmpty();
    // After an operator restart (no last pass), up to an hour back.
    assertThat(daily.latestDue(null, at("2026-11-23T03:40:00Z"), 60))
        .contains(at("2026-11-23T03:00:00Z"));
    assertThat(daily.latestDue(null, at("2026-11-23T04:10:00Z"), 60)).isEmpty();
    // Several missed minutes of a frequent schedule: one backup, the latest.
    assertThat(
            CronSchedule.parse("*/15 * * * *")
                .latestDue(at("2026-11-23T10:10:00Z"), at("2026-11-23T10:50:00Z"), 60))
        .contains(at("2026-11-23T10:45:00Z"));
  }

  @Test
  void stepsRangesListsAndWeekdays() {
    CronSchedule every15 = CronSchedule.parse("*/15 * * * *");
    assertThat(every15.matches(at("2026-11-23T10:45:00Z"))).isTrue();
    assertThat(every15.matches(at("2026-11-23T10:46:00Z"))).isFalse();
    // 2026-11-23 is a Monday; 0 and 7 are Sunday.
    CronSchedule weekdays = CronSchedule.parse("30 1 * * 1-5");
    assertThat(weekdays.matches(at("2026-11-23T01:30:00Z"))).isTrue();
    assertThat(weekdays.matches(at("2026-11-22T01:30:00Z"))).isFalse();
    assertThat(CronSchedule.parse("0 0 * * 7").matches(at("2026-11-22T00:00:00Z"))).isTrue();
    assertThat(CronSchedule.parse("0 0 1,15 * *").matches(at("2026-11-15T00:00:00Z"))).isTrue();
  }

  @Test
  void aBadScheduleNamesTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *")).hasMessageContaining("hour 25");
    assertThatThrownBy(() -> CronSchedule.parse("0 3 * *")).hasMessageContaining("five fields");
  }

  @Test
  void retentionKeepsTheNewestAndNeverExpiresTheLastBackupByAge() {
    List<ShardedDatabaseBackup> backups = new ArrayList<>();
    for (int day = 1; day <= 5; day++) {
      backups.add(backup("b" + day, "2026-11-0" + day + "T03:00:00Z"));
    }
    Instant now = Instant.parse("2026-11-06T00:00:00Z");
    assertThat(names(BackupScheduler.expired(backups, new BackupRetentionSpec(3, null), now)))
        .containsExactly("b1", "b2");
    assertThat(names(BackupScheduler.expired(backups, new BackupRetentionSpec(null, 2), now)))
        .containsExactly("b1", "b2", "b3");
    Instant muchLater = Instant.parse("2027-01-01T00:00:00Z");
    assertThat(names(BackupScheduler.expired(backups, new BackupRetentionSpec(null, 1), muchLater)))
        .containsExactly("b1", "b2", "b3", "b4");
  }

  /**
   * A base backup is due after a resharding move (a restore past the move replays over the base's
   * layout and needs a base taken after it): once the move is Done, when the database already has a
   * base backup and none was created since the move's fence; named after the move.
   */
  @Test
  void aBaseBackupIsDueOnceAfterAMoveWhenTheDatabaseUsesBackups() {
    ShardedDatabase db = new ShardedDatabase();
    db.setMetadata(new ObjectMetaBuilder().withName("db").build());
    MoveStatus done =
        new MoveStatus(
            "g1-sh1-sh2-2048+2048",
            "sh1",
            "sh2",
            2048,
            2048,
            MovePhase.Done,
            10L,
            5L,
            300L,
            1,
            "done",
            2L,
            40L,
            "2026-11-24T10:00:00Z",
            null);
    db.setStatus(
        ShardedDatabaseStatus.builder()
            .conditions(List.of())
            .shardCount(2)
            .replicas("2")
            .shards(List.of())
            .resharding(new ReshardingStatus(List.of(done)))
            .build());
    ShardedDatabaseBackup before =
        created(backup("b1", "2026-11-24T09:00:00Z"), "2026-11-24T08:59:00Z");
    assertThat(BackupScheduler.afterMove(db, List.of(before)))
        .isEqualTo("db-after-g1-sh1-sh2-2048-2048");
    // No base backup at all: the database does not use backups; nothing is taken.
    assertThat(BackupScheduler.afterMove(db, List.of())).isNull();
    // One created after the fence (the after-move one, or the user's): nothing more.
    ShardedDatabaseBackup after =
        created(backup("b2", "2026-11-24T10:02:00Z"), "2026-11-24T10:01:00Z");
    assertThat(BackupScheduler.afterMove(db, List.of(before, after))).isNull();
  }

  private static ShardedDatabaseBackup created(ShardedDatabaseBackup b, String at) {
    b.getMetadata().setCreationTimestamp(at);
    return b;
  }

  private static List<String> names(List<ShardedDatabaseBackup> bs) {
    return bs.stream().map(b -> b.getMetadata().getName()).toList();
  }

  private static ShardedDatabaseBackup backup(String name, String completedAt) {
    ShardedDatabaseBackup b = new ShardedDatabaseBackup();
    b.setMetadata(new ObjectMetaBuilder().withName(name).build());
    b.setSpec(new ShardedDatabaseBackupSpec("db", null));
    b.setStatus(
        new ShardedDatabaseBackupStatus(
            ShardedDatabaseBackupStatus.COMPLETED, completedAt, completedAt, 1L, null, null, null));
    return b;
  }
}
