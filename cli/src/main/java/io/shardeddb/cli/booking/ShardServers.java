package io.shardeddb.cli.booking;

import io.shardeddb.local.LocalPodKill;
import java.util.List;

/**
 * Local mode's shard-server pods of one database, as the booking demo's kill button sees them. The
 * only implementation acts on local mode's pods ({@link LocalShardServers}); tests give a fake.
 */
public interface ShardServers {

  /** One shard-server pod: its shard, its role in the status, whether it is ready and running. */
  record ShardServer(String pod, String shard, String role, boolean ready, boolean running) {}

  /** Every shard-server pod of the database, by shard and name. */
  List<ShardServer> list();

  /**
   * Kills {@code pod}'s process ({@code kill -9}); {@link UnknownPod} when it is not a shard-server
   * of this database, {@link LocalPodKill.NotKillable} when it has no running local process.
   */
  LocalPodKill.Killed kill(String pod);

  /** {@code pod} is not a shard-server pod of this database. */
  final class UnknownPod extends RuntimeException {
    public UnknownPod(String message) {
      super(message);
    }
  }
}
