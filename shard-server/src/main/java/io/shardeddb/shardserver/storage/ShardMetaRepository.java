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
          + " primary_url = :primaryUrl, peers_json = :peersJson, write_quorum = :writeQuorum,"
          + " spec_replicas = :specReplicas WHERE id = 1")
  void saveRole(
      long epoch,
      String role,
      @Nullable String primaryName,
      @Nullable String primaryUrl,
      @Nullable String peersJson,
      String writeQuorum,
      int specReplicas);

  /** Rule 1: the vote for {@code epoch}, persisted with the role that casts it. */
  @Query(
      "UPDATE shard_meta SET vote_epoch = :voteEpoch, voted_primary = :votedPrimary WHERE id = 1")
  void saveVote(long voteEpoch, String votedPrimary);

  /** Rule 7: a re-copy begins; nothing is known to be held any more. */
  @Query(
      "UPDATE shard_meta SET copy_pending = TRUE, applied_lsn = 0, last_entry_epoch = 0,"
          + " log_start_lsn = 0, log_start_epoch = 0, log_start_commit_millis = 0,"
          + " log_start_global_ts = 0 WHERE id = 1")
  void saveCopyBegun();

  @Query(
      "UPDATE shard_meta SET applied_lsn = :lsn, last_entry_epoch = :epoch, log_start_lsn = :lsn,"
          + " log_start_epoch = :epoch, log_start_commit_millis = :commitMillis,"
          + " log_start_global_ts = :globalTs, copy_pending = FALSE WHERE id = 1")
  void saveSnapshotBase(long lsn, long epoch, long commitMillis, long globalTs);

  @Query(
      "UPDATE shard_meta SET log_start_lsn = :lsn, log_start_epoch = :epoch,"
          + " log_start_commit_millis = :commitMillis, log_start_global_ts = :globalTs WHERE id = 1")
  void saveLogStart(long lsn, long epoch, long commitMillis, long globalTs);

  @Query("UPDATE shard_meta SET copy_pending = :copyPending WHERE id = 1")
  void saveCopyPending(boolean copyPending);
}
