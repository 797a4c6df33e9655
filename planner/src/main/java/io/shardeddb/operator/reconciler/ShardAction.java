package io.shardeddb.operator.reconciler;

import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;

/** One call the planner wants made to one shard-server; the actuator is the one that makes it. */
public sealed interface ShardAction {

  /** The pod the call is for. */
  String pod();

  /** Its shard-server base URL. */
  String url();

  /** {@code POST /config}: a replica with no configuration (new or wiped) gets the shard's. */
  record Configure(String pod, String url, ShardConfigRequest config) implements ShardAction {}

  /** {@code POST /fence}: persist {@code epoch}, step down, answer the log position. */
  record Fence(String pod, String url, long epoch) implements ShardAction {}

  /** {@code POST /role}: the replica's role, primary and peers at an epoch. */
  record AssignRole(String pod, String url, RoleRequest request) implements ShardAction {}

  /** {@code POST /resync}: drop local data and re-copy from the primary, for {@code reason}. */
  record Resync(String pod, String url, String reason) implements ShardAction {}

  /** Compare the {@code /checksum} of a copied replica with its primary's at {@code primaryUrl}. */
  record Verify(String pod, String url, String primaryUrl) implements ShardAction {}
}
