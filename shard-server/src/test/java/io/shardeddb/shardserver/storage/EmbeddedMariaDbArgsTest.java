package io.shardeddb.shardserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The options the embedded MariaDB is started with. */
class EmbeddedMariaDbArgsTest {

  @Test
  void everyCommitStaysDurable_whateverTheServerDefaultsAre() {
    assertThat(EmbeddedMariaDb.serverArgs(false))
        .contains("--innodb-flush-log-at-trx-commit=1", "--innodb-doublewrite=1")
        .noneMatch(a -> a.startsWith("--innodb-flush-log-at-trx-commit=") && !a.endsWith("=1"))
        .noneMatch(a -> a.startsWith("--sync-binlog") || a.startsWith("--innodb-flush-method"));
  }

  @Test
  void theServerDoesNoWorkShardedDbDoesNotUse() {
    assertThat(EmbeddedMariaDb.serverArgs(false))
        .contains("--skip-log-bin", "--performance-schema=OFF", "--bind-address=127.0.0.1");
  }

  @Test
  void asRoot_mariadbdIsToldWhichUserToRunAs() {
    assertThat(EmbeddedMariaDb.serverArgs(true)).contains("--user=root");
    assertThat(EmbeddedMariaDb.serverArgs(false)).doesNotContain("--user=root");
  }
}
