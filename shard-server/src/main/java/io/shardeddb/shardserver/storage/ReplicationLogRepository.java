package io.shardeddb.shardserver.storage;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The replication log: appended in batches by the primary and by secondaries applying it. */
@JdbcRepository(dialect = Dialect.MYSQL)
public interface ReplicationLogRepository extends CrudRepository<LogRecord, Long> {

  @Query("SELECT * FROM replication_log WHERE lsn >= :fromLsn ORDER BY lsn LIMIT :limit")
  List<LogRecord> page(long fromLsn, int limit);

  Optional<LogRecord> findByRequestId(String requestId);

  List<LogRecord> findByRequestIdIn(Collection<String> requestIds);

  @Query("DELETE FROM replication_log WHERE lsn > :lsn")
  void deleteAfter(long lsn);

  @Query("DELETE FROM replication_log WHERE lsn <= :lsn")
  void deleteUpTo(long lsn);
}
