package io.shardeddb.router.sql;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.shardeddb.router.config.RouterSettings;
import jakarta.inject.Singleton;

/** The SQL endpoint's bounds, statement limits and parser, from {@code shardeddb.router.sql.*}. */
@Factory
class SqlBeans {
  @Singleton
  SqlLimits limits(RouterSettings settings) {
    RouterSettings.Sql s = settings.sql();
    return new SqlLimits(s.maxResultRows(), s.maxResultBytes(), s.maxRowsPerWrite());
  }

  @Singleton
  StatementLimits statementLimits(RouterSettings settings) {
    RouterSettings.Sql s = settings.sql();
    return new StatementLimits(s.statementTimeout(), s.maxConcurrentScans(), s.pointKeys());
  }

  @Singleton
  ScanSlots scanSlots() {
    return new ScanSlots();
  }

  @Singleton
  @Bean(preDestroy = "close")
  SqlParser parser(RouterSettings settings) {
    RouterSettings.Sql s = settings.sql();
    return new SqlParser(s.parserThreads(), s.parserQueue(), s.parseTimeout());
  }
}
