package io.shardeddb.shardserver.replication;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.storage.ShardMeta;
import io.shardeddb.shardserver.storage.ShardStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On start, restores what the replica persisted (config, role, epoch, applied LSN) and resumes: a
 * primary orders writes again (a peer fences it if the epoch moved on meanwhile), a secondary
 * catches up or finishes an interrupted re-copy.
 */
@Singleton
public class ReplicaStartup {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaStartup.class);

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final ShardConfigService configs;
  private final JdbcReplicaStore replicaStore;
  private final WriteCoordinator coordinator;
  private final SecondarySync sync;
  private final TlsFactory.ServerTls tls;

  public ReplicaStartup(
      ReplicaContext ctx,
      ShardStore store,
      ShardConfigService configs,
      JdbcReplicaStore replicaStore,
      WriteCoordinator coordinator,
      SecondarySync sync,
      TlsFactory.ServerTls tls) {
    this.tls = tls;
    this.ctx = ctx;
    this.store = store;
    this.configs = configs;
    this.replicaStore = replicaStore;
    this.coordinator = coordinator;
    this.sync = sync;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    // Rule 15: the applied position is never below an entry the log holds (a position written
    // below it by an older version is raised before anything reads it).
    ShardStore.StoredPosition stored = store.recoverPosition();
    if (!stored.copyPending() && stored.maxLsn() > stored.appliedLsn()) {
      LOG.warn(
          "{}: applied lsn {} was below the log's last entry {}; resuming from the log",
          ctx.name(),
          stored.appliedLsn(),
          stored.maxLsn());
    }
    ShardMeta m = store.loadMeta();
    if (m.configJson() != null) {
      configs.restore(m.configJson());
    }
    Role role = Role.valueOf(m.role());
    Peer primary = m.primaryName() == null ? null : new Peer(m.primaryName(), m.primaryUrl());
    List<Peer> peers = replicaStore.readPeers(m.peersJson());
    // The restored role's peers are the pods expected at their addresses, as at /role.
    List<Peer> expected = new ArrayList<>(peers);
    expected.add(primary);
    tls.expectPeers(expected);
    ctx.restore(
        m.epoch(),
        role,
        primary,
        peers,
        WriteQuorum.valueOf(m.writeQuorum()),
        m.appliedLsn(),
        m.lastEntryEpoch(),
        m.logStartLsn(),
        m.logStartEpoch(),
        m.copyPending(),
        m.voteEpoch(),
        m.votedPrimary(),
        m.specReplicas());
    LOG.info(
        "{} restored: role {} epoch {} applied lsn {}{}",
        ctx.name(),
        role,
        m.epoch(),
        m.appliedLsn(),
        m.copyPending() ? " (re-copy unfinished: Copying)" : "");
    if (role == Role.Primary) {
      ctx.markVerified(m.epoch());
      coordinator.becomePrimary();
    } else if (role == Role.Secondary) {
      sync.trigger();
    }
  }
}
