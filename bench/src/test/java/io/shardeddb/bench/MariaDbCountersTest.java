package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MariaDB's own counters per operation, for every target. */
class MariaDbCountersTest {

  @Test
  void aPhaseIsTheDifferenceOfTwoReadingsPerOperationSummedOverServers() {
    MariaDbCounters.Reading primary =
        new MariaDbCounters.Reading(Map.of("Innodb_os_log_fsyncs", 100L, "Com_insert", 50L));
    MariaDbCounters.Reading replica =
        new MariaDbCounters.Reading(Map.of("Innodb_os_log_fsyncs", 40L, "Com_insert", 0L));
    MariaDbCounters.Reading before = primary.plus(replica);
    MariaDbCounters.Reading after =
        new MariaDbCounters.Reading(Map.of("Innodb_os_log_fsyncs", 340L, "Com_insert", 250L));

    MariaDbCounters.Usage u =
        new MariaDbCounters.Usage("main", "t", "write", 200, after.minus(before));

    assertThat(u.perOp())
        .containsEntry("Innodb_os_log_fsyncs", 1.0)
        .containsEntry("Com_insert", 1.0)
        .doesNotContainKey("Com_select");
    assertThat(MariaDbCounters.Reading.none().perOp(0)).isEmpty();
  }

  @Test
  void theStatusQueryAsksExactlyTheNamedCountersAndAnswersMapToTheirSpelling() {
    assertThat(MariaDbCounters.statusQuery())
        .isEqualTo(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_os_log_fsyncs',"
                + " 'Innodb_data_fsyncs', 'Syncs', 'Com_insert', 'Com_select', 'Com_commit',"
                + " 'Rpl_semi_sync_master_yes_tx', 'Rpl_semi_sync_master_no_tx')");
    assertThat(MariaDbCounters.canonical("INNODB_OS_LOG_FSYNCS")).isEqualTo("Innodb_os_log_fsyncs");
  }

  @Test
  void theTablesAndResultsJsonCarryTheCountersPerOperation(@TempDir Path dir) throws Exception {
    MariaDbCounters.Usage u =
        new MariaDbCounters.Usage(
            "main",
            "direct-jdbc",
            "write",
            1000,
            new MariaDbCounters.Reading(
                Map.of("Innodb_os_log_fsyncs", 400L, "Com_insert", 1000L, "Com_commit", 0L)));

    new ResultsWriter(dir).write(List.of(), List.of(), List.of(u), Map.of());

    assertThat(dir.resolve("tables.md"))
        .content()
        .contains("| target | phase | ops | Innodb_os_log_fsyncs | Innodb_data_fsyncs | Syncs |")
        .contains("| direct-jdbc | write | 1000 | 0.400 | - | - | 1.000 | - | 0.000 | - | - |");
    assertThat(dir.resolve("results.json"))
        .content()
        .contains("\"mariadb\"")
        .contains("\"Innodb_os_log_fsyncs\" : 0.4");
  }
}
