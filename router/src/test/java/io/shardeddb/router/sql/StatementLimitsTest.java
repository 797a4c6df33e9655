package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The statement limit policy (pure): which statements are scans, when one more scan is admitted,
 * the refusals naming their setting, and the slots a credential's scans hold.
 */
class StatementLimitsTest {
  static final StatementLimits LIMITS = new StatementLimits(Duration.ofSeconds(5), 2, 100);

  static SqlPlan plan(String sql) {
    return SqlTranslatorTest.TRANSLATOR.translate(sql);
  }

  @Test
  void statementsByKeyOrASmallRangeAreNotScansAndEverythingElseIs() {
    assertThat(LIMITS.isScan(plan("SELECT * FROM students WHERE Stud_id = 7"))).isFalse();
    assertThat(LIMITS.isScan(plan("SELECT * FROM students WHERE Stud_id IN (1, 5, 9000)")))
        .isFalse();
    assertThat(LIMITS.isScan(plan("SELECT * FROM students WHERE Stud_id BETWEEN 1 AND 100")))
        .isFalse();
    assertThat(LIMITS.isScan(plan("UPDATE students SET Stud_marks = 1 WHERE Stud_id = 3")))
        .isFalse();
    assertThat(LIMITS.isScan(plan("DELETE FROM students WHERE Stud_id = 3"))).isFalse();
    assertThat(
            LIMITS.isScan(plan("INSERT INTO students VALUES (1, 'a', 2, 3.5), (2, 'b', 3, 2.5)")))
        .isFalse();

    assertThat(LIMITS.isScan(plan("SELECT * FROM students"))).isTrue();
    assertThat(LIMITS.isScan(plan("SELECT COUNT(*) FROM students WHERE Stud_name LIKE '%x%'")))
        .isTrue();
    assertThat(LIMITS.isScan(plan("SELECT * FROM students WHERE Stud_id BETWEEN 1 AND 101")))
        .isTrue();
    assertThat(LIMITS.isScan(plan("SELECT * FROM students WHERE Stud_id > 5"))).isTrue();
    assertThat(LIMITS.isScan(plan("SELECT * FROM students WHERE Stud_id < 5"))).isTrue();
    assertThat(LIMITS.isScan(plan("UPDATE students SET Stud_marks = 1 WHERE Stud_marks > 3")))
        .isTrue();
    assertThat(LIMITS.isScan(plan("DELETE FROM students WHERE Stud_name = 'x'"))).isTrue();
  }

  @Test
  void keysAreCountedAcrossRangesWithoutOverflowing() {
    assertThat(LIMITS.wide(KeyRanges.between(0, 99))).isFalse();
    assertThat(LIMITS.wide(KeyRanges.between(0, 100))).isTrue();
    assertThat(LIMITS.wide(KeyRanges.between(0, 59).union(KeyRanges.between(1000, 1039))))
        .isFalse();
    assertThat(LIMITS.wide(KeyRanges.between(0, 59).union(KeyRanges.between(1000, 1040)))).isTrue();
    assertThat(LIMITS.wide(KeyRanges.all())).isTrue();
    assertThat(LIMITS.wide(KeyRanges.between(Long.MIN_VALUE, -1))).isTrue();
    assertThat(LIMITS.wide(KeyRanges.none())).isFalse();
  }

  @Test
  void aCredentialRunsAtMostItsCapOfScansAndTheRefusalNamesTheSetting() {
    assertThat(LIMITS.admitsScan(0)).isTrue();
    assertThat(LIMITS.admitsScan(1)).isTrue();
    assertThat(LIMITS.admitsScan(2)).isFalse();
    StatementLimitException refused = LIMITS.tooManyScans("data token");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.limit()).isEqualTo(StatementLimitException.Limit.CONCURRENCY);
    assertThat(refused.value()).isEqualTo(2);
    assertThat(refused.getMessage())
        .contains("too many concurrent scans for the data token")
        .contains("at most 2")
        .contains("shardeddb.router.sql.max-concurrent-scans");
  }

  @Test
  void theDeadlineFailureIsA503NamingTheSettingAndSaysAWriteChangedNothing() {
    StatementLimitException select = LIMITS.pastDeadline(plan("SELECT * FROM students"));
    assertThat(select.status()).isEqualTo(503);
    assertThat(select.limit()).isEqualTo(StatementLimitException.Limit.DEADLINE);
    assertThat(select.getMessage())
        .contains("SELECT ran past its deadline of 5000 ms")
        .contains("shardeddb.router.sql.statement-timeout")
        .doesNotContain("nothing was changed");
    assertThat(LIMITS.pastDeadline(plan("DELETE FROM students WHERE Stud_marks > 1")).getMessage())
        .contains("DELETE ran past")
        .contains("nothing was changed");
  }

  @Test
  void slotsArePerCredentialAndGivenBackOnceHoweverOftenClosed() {
    ScanSlots slots = new ScanSlots();
    ScanSlots.Slot a = slots.take("data token", LIMITS);
    ScanSlots.Slot b = slots.take("data token", LIMITS);
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(slots.take("data token", LIMITS)).isNull();
    // Another credential has its own cap.
    assertThat(slots.take("admin token", LIMITS)).isNotNull();
    a.close();
    a.close();
    assertThat(slots.running("data token")).isEqualTo(1);
    assertThat(slots.take("data token", LIMITS)).isNotNull();
    assertThat(slots.take("data token", LIMITS)).isNull();
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new StatementLimits(Duration.ZERO, 1, 1))
        .hasMessageContaining("shardeddb.router.sql.statement-timeout");
    assertThatThrownBy(() -> new StatementLimits(Duration.ofSeconds(1), 0, 1))
        .hasMessageContaining("shardeddb.router.sql.max-concurrent-scans");
    assertThatThrownBy(() -> new StatementLimits(Duration.ofSeconds(1), 1, 0))
        .hasMessageContaining("shardeddb.router.sql.point-keys");
  }
}
