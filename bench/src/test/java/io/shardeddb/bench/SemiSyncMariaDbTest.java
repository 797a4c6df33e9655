package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicated floor's servers: what each copy runs with and how a replica follows. */
class SemiSyncMariaDbTest {

  @Test
  void thePrimaryLogsAndSyncsEveryCommitAndWaitsForAReplicaAfterTheSync() {
    List<String> primary = SemiSyncMariaDb.serverArgs(0, false);

    assertThat(primary)
        .contains(
            "--server-id=1",
            "--log-bin=primary-bin",
            "--sync-binlog=1",
            "--rpl-semi-sync-master-enabled=ON",
            "--rpl-semi-sync-master-wait-point=AFTER_SYNC",
            "--innodb-flush-log-at-trx-commit=1",
            "--bind-address=127.0.0.1")
        .doesNotContain("--skip-log-bin", "--user=root");
  }

  @Test
  void eachReplicaHasItsOwnIdAndAcknowledgesSemiSynchronously() {
    List<String> second = SemiSyncMariaDb.serverArgs(1, true);
    List<String> third = SemiSyncMariaDb.serverArgs(2, true);

    assertThat(second)
        .contains(
            "--server-id=2",
            "--rpl-semi-sync-slave-enabled=ON",
            "--innodb-flush-log-at-trx-commit=1",
            "--user=root")
        .doesNotContain("--rpl-semi-sync-master-enabled=ON");
    assertThat(third).contains("--server-id=3");
    assertThat(SemiSyncMariaDb.followPrimary(3307))
        .containsExactly(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3307, MASTER_USER='root',"
                + " MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_SSL=1,"
                + " MASTER_SSL_VERIFY_SERVER_CERT=0",
            "START SLAVE");
  }

  @Test
  void aProcessIsInTheGroupOfItsPortAndLocalModesMariaDbInNone() {
    List<Integer> ports = List.of(4001, 4002, 4003);

    assertThat(SemiSyncMariaDb.groupOf(List.of("/b/bin/mariadbd", "--port=4001"), ports))
        .contains(SemiSyncMariaDb.PRIMARY_GROUP);
    assertThat(SemiSyncMariaDb.groupOf(List.of("/b/bin/mariadbd", "--port=4003"), ports))
        .contains(SemiSyncMariaDb.REPLICAS_GROUP);
    assertThat(SemiSyncMariaDb.groupOf(List.of("/b/bin/mariadbd", "--port=3307"), ports)).isEmpty();
    assertThat(SemiSyncMariaDb.groupOf(List.of("/b/bin/mariadbd", "--port=40011"), ports))
        .isEmpty();
  }

  @Test
  void threeRealCopiesCommitSemiSynchronouslyEveryRowReachesBothReplicasAndAllStop(
      @TempDir Path dir) throws Exception {
    List<ProcessHandle> processes;
    MariaDbCounters.Reading before;
    MariaDbCounters.Reading after;
    try (SemiSyncMariaDb copies = SemiSyncMariaDb.start(dir, Duration.ofMinutes(3))) {
      List<String> cmd = List.of("mariadbd", "--port=" + port(copies.primary()));
      assertThat(copies.processGroups().apply(cmd)).contains(SemiSyncMariaDb.PRIMARY_GROUP);
      processes =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().commandLine().orElse("").contains("mariadbd"))
              .filter(
                  p ->
                      copies
                          .processGroups()
                          .apply(List.of(p.info().commandLine().orElse("").split(" ")))
                          .isPresent())
              .toList();
      assertThat(processes).hasSize(3);
      try (MariaDbCounters.Probe probe = new MariaDbCounters.Probe(copies.servers());
          JdbcTarget target = Baselines.semiSync(copies, 2)) {
        before = probe.read();
        for (long key = 0; key < 20; key++) {
          target.write(key);
          target.read(key);
        }
        after = probe.read();
      }
      // Direct JDBC with TLS on: MariaDB serves TLS with the certificate it generated.
      try (Connection c =
              DriverManager.getConnection(
                  copies.primary().baseUrl() + Baselines.urlOptions(true), "root", "");
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isNotBlank();
      }
      for (MariaDbServer replica : copies.servers().subList(1, 3)) {
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> rows(replica) == 20);
      }
    }
    MariaDbCounters.Reading d = after.minus(before);
    // Each copy applies each insert (the replicas count their row events), every commit waited
    // for a replica, every copy synced its redo log and the primary its binary log.
    assertThat(d.values().get("Com_insert")).isEqualTo(60L);
    assertThat(d.values().get("Rpl_semi_sync_master_yes_tx")).isEqualTo(20L);
    assertThat(d.values().get("Rpl_semi_sync_master_no_tx")).isZero();
    assertThat(d.values().get("Innodb_data_fsyncs")).isGreaterThanOrEqualTo(60L);
    assertThat(d.values().get("Syncs")).isGreaterThanOrEqualTo(20L);
    assertThat(d.values()).as("gone since MariaDB 10.8").doesNotContainKey("Innodb_os_log_fsyncs");
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
  }

  private static int port(MariaDbServer s) {
    String u = s.baseUrl();
    return Integer.parseInt(u.substring(u.lastIndexOf(':') + 1, u.length() - 1));
  }

  private static long rows(MariaDbServer s) throws Exception {
    try (Connection c =
            DriverManager.getConnection(s.baseUrl() + "?useSSL=false", s.user(), s.password());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT COUNT(*) FROM " + Baselines.SEMISYNC_DB + "." + Rows.TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
