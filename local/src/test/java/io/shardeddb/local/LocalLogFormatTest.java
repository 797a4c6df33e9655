package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.api.v1alpha1.LoggingSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Local mode's pods log plain text unless their database names a format: the operator renders JSON
 * by default, which local mode replaces only when {@code spec.logging.format} is absent.
 */
class LocalLogFormatTest {

  private static ShardedDatabase db(LoggingSpec logging) {
    ShardedDatabase db = new ShardedDatabase();
    db.setSpec(ShardedDatabaseSpec.builder().logging(logging).build());
    return db;
  }

  @Test
  void aDatabaseWithoutAFormatLogsPlain() {
    assertThat(SharedMariaDbHooks.logOverrides(db(null)))
        .isEqualTo(Map.of("SHARDEDDB_LOG_FORMAT", "plain"));
    assertThat(SharedMariaDbHooks.logOverrides(db(new LoggingSpec(null, "debug"))))
        .isEqualTo(Map.of("SHARDEDDB_LOG_FORMAT", "plain"));
  }

  @Test
  void aFormatTheDatabaseNamesIsKept() {
    assertThat(SharedMariaDbHooks.logOverrides(db(new LoggingSpec("json", null)))).isEmpty();
    assertThat(SharedMariaDbHooks.logOverrides(db(new LoggingSpec("plain", null)))).isEmpty();
  }

  @Test
  void aPodWhoseDatabaseIsGoneLogsPlain() {
    assertThat(SharedMariaDbHooks.logOverrides(null))
        .isEqualTo(Map.of("SHARDEDDB_LOG_FORMAT", "plain"));
  }
}
