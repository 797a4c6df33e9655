package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.ReplicaStartup;
import io.shardeddb.shardserver.storage.ShardMeta;
import io.shardeddb.shardserver.storage.ShardStore;
import java.util.List;

/**
 * A {@link SimDisk} as the production {@link ReplicaStartup} reads a volume at start-up: its
 * metadata row (config, role, epoch and vote, position, copy state) and the log's end (rule 15).
 * The disk keeps its config and peers as objects, so their stored forms only say whether there is
 * one; there is no TLS to tell the expected peers.
 */
final class SimVolume implements ReplicaStartup.Volume {
  private final SimDisk disk;
  private final ReplicaContext ctx;

  SimVolume(SimDisk disk, ReplicaContext ctx) {
    this.disk = disk;
    this.ctx = ctx;
  }

  @Override
  public ShardStore.StoredPosition recoverPosition() {
    return disk.recoverPosition();
  }

  @Override
  public ShardMeta loadMeta() {
    Role role = disk.primary ? Role.Primary : disk.secondary ? Role.Secondary : Role.None;
    return new ShardMeta(
        1,
        disk.configured ? disk.config.shardId() : null,
        disk.epoch,
        role.name(),
        disk.primaryName,
        disk.primaryName == null ? null : url(disk.primaryName),
        null,
        disk.writeQuorum.name(),
        disk.lastLsn(),
        disk.lastEntryEpoch(),
        disk.baseLsn,
        disk.baseEpoch,
        disk.copying,
        disk.voteEpoch,
        disk.vote,
        disk.replicas);
  }

  private String url(String replica) {
    String url = disk.roleUrls.get(replica);
    return url == null ? "sim://" + replica : url;
  }

  @Override
  public void restoreConfig(String configJson) {
    ctx.configure(disk.config);
  }

  @Override
  public List<Peer> readPeers(String peersJson) {
    return disk.rolePeers;
  }

  @Override
  public void expectPeers(List<Peer> expected) {}
}
