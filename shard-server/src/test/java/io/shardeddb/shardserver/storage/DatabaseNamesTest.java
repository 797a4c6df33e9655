package io.shardeddb.shardserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseNamesTest {
  @Test
  void tlsIsSwitchedOffOnlyForLoopbackServersThatDoNotChooseThemselves() {
    assertThat(DatabaseNames.withoutTlsOnLoopback("jdbc:mysql://127.0.0.1:3306/"))
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/?sslMode=DISABLED");
    assertThat(DatabaseNames.withoutTlsOnLoopback("jdbc:mysql://localhost:3306/?a=b"))
        .isEqualTo("jdbc:mysql://localhost:3306/?a=b&sslMode=DISABLED");
    assertThat(DatabaseNames.withoutTlsOnLoopback("jdbc:mysql://db.example:3306/"))
        .isEqualTo("jdbc:mysql://db.example:3306/");
    assertThat(DatabaseNames.withoutTlsOnLoopback("jdbc:mysql://127.0.0.1:3306/?sslMode=REQUIRED"))
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/?sslMode=REQUIRED");
  }

  @Test
  void theDatabaseGoesIntoThePathAndParametersAreKept() {
    assertThat(DatabaseNames.withDatabase("jdbc:mysql://127.0.0.1:3306/?sslMode=DISABLED", "sdb_a"))
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/sdb_a?sslMode=DISABLED");
  }
}
