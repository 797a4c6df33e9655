package io.shardeddb.shardserver.storage;

import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Runs the store's work in Micronaut transactions and reports a failing database as a {@link
 * StorageException} (a 503 to clients), leaving the service's own exceptions as they are.
 */
final class StoreTransactions {
  private final TransactionOperations<Connection> tx;

  StoreTransactions(TransactionOperations<Connection> tx) {
    this.tx = tx;
  }

  /** Runs {@code work} in one read-write transaction; SQL failures roll it back. */
  <T> T write(ShardStore.SqlWork<T> work) {
    return guard(
        () ->
            tx.executeWrite(
                status -> {
                  try {
                    return work.run(status.getConnection());
                  } catch (SQLException e) {
                    throw new StorageException("database error: " + e.getMessage(), e);
                  }
                }));
  }

  /** Runs {@code work} in a read-only transaction. */
  <T> T read(ShardStore.SqlWork<T> work) {
    return guard(
        () ->
            tx.executeRead(
                status -> {
                  try {
                    return work.run(status.getConnection());
                  } catch (SQLException e) {
                    throw new StorageException("database error: " + e.getMessage(), e);
                  }
                }));
  }

  /**
   * Runs repository calls (which find the transaction's connection themselves) in a read-only
   * transaction.
   */
  <T> T readRepositories(Supplier<T> work) {
    return guard(() -> tx.executeRead(status -> work.get()));
  }

  private static <T> T guard(Supplier<T> call) {
    try {
      return call.get();
    } catch (CannotGetJdbcConnectionException | ConnectionException | DataAccessException e) {
      throw new StorageException("database unavailable: " + e.getMessage(), e);
    }
  }
}
