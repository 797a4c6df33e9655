package io.shardeddb.shardserver.storage;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Exposes the {@link ConnectionPool} as the {@code default} DataSource for Micronaut Data. The
 * database is chosen at runtime (derived from the server name unless configured) and created first,
 * which is why this is a factory and not {@code datasources.default.*} properties.
 */
@Factory
public class DataSourceFactory {

  @Singleton
  @Primary
  @Named("default")
  public DataSource dataSource(ConnectionPool pool) {
    return pool.dataSource();
  }
}
