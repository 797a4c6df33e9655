package io.shardeddb.shardserver.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

/** Reads and updates the replica's metadata row (created by migration V1). */
@JdbcRepository(dialect = Dialect.MYSQL)
public interface ShardMetaRepository extends GenericRepository<ShardMeta, Integer> {

  Optional<ShardMeta> findById(Integer id);

  @Query("UPDATE shard_meta SET config_json = :configJson WHERE id = 1")
  void saveConfig(String configJson);

  @Query(
      "UPDATE shard_meta SET epoch = :epoch, role = :role, primary_name = :primaryName,"
          + " primary_url = :primaryUrl, peers_json = :peersJson, write_quorum = :writeQuorum"
          + " WHERE id = 1")
  void saveRole(
      long epoch,
      String role,
      @Nullable String primaryName,
      @Nullable String primaryUrl,
      @Nullable String peersJson,
      String writeQuorum);

  @Query(
      "UPDATE shard_meta SET applied_lsn = :appliedLsn, last_entry_epoch = :lastEntryEpoch"
          + " WHERE id = 1")
  void saveProgress(long appliedLsn, long lastEntryEpoch);

  @Query(
      "UPDATE shard_meta SET applied_lsn = :lsn, last_entry_epoch = :epoch, log_start_lsn = :lsn,"
          + " log_start_epoch = :epoch, copy_pending = FALSE WHERE id = 1")
  void saveSnapshotBase(long lsn, long epoch);

  @Query("UPDATE shard_meta SET log_start_lsn = :lsn, log_start_epoch = :epoch WHERE id = 1")
  void saveLogStart(long lsn, long epoch);

  @Query("UPDATE shard_meta SET copy_pending = :copyPending WHERE id = 1")
  void saveCopyPending(boolean copyPending);
}
