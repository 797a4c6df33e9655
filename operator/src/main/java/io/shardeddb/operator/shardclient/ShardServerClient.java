package io.shardeddb.operator.shardclient;

import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import java.util.Collection;

/**
 * The operator's calls to one shard-server (base URL {@code http://<podIP>:8081}). Every call is
 * short and fails with {@link ShardServerException} instead of blocking the reconciler.
 */
public interface ShardServerClient {

  /** {@code GET /heartbeat}, with the round-trip latency. */
  TimedHeartbeat heartbeat(String baseUrl);

  /** {@code POST /config}: the schema, the shard id and its key range. */
  void configure(String baseUrl, ShardConfigRequest request);

  /**
   * {@code POST /fence}: the replica persists {@code epoch}, steps down if primary and answers how
   * far its log goes; 409 when it has seen a higher epoch.
   */
  TimedFence fence(String baseUrl, FenceRequest request);

  /** {@code POST /role}; a replica that has seen a higher epoch refuses with 409. */
  void assignRole(String baseUrl, RoleRequest request);

  /** {@code POST /resync}: drop local data and re-copy from the current primary. */
  void resync(String baseUrl);

  /** {@code GET /checksum}: row count and digest at the applied LSN. */
  ChecksumResponse checksum(String baseUrl);

  /**
   * From now on, calls to {@code baseUrls} carry {@code token} (the database's shard credential;
   * null: none), and calls to the other URLs this database had before carry none. The reconciler
   * calls it every pass with the pods it sees, so a rotated Secret or a reused pod IP is picked up
   * at the next pass. Clients that do not authenticate ignore it.
   */
  default void useCredential(String database, Collection<String> baseUrls, String token) {}
}
