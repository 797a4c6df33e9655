package io.shardeddb.shardserver.replication;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.storage.ShardMeta;
import io.shardeddb.shardserver.storage.ShardStore;
import jakarta.inject.Inject;
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
  private final Volume volume;
  private final WriteCoordinator coordinator;
  private final SecondarySync sync;

  /**
   * What start-up reads from the replica's volume and restores beside the context: MariaDB and the
   * TLS peer check in production ({@link #ReplicaStartup(ReplicaContext, ShardStore,
   * ShardConfigService, JdbcReplicaStore, WriteCoordinator, SecondarySync, TlsFactory.ServerTls)}),
   * the simulator's disk there — so both run the same start-up.
   */
  public interface Volume {
    /** Where storage says the log ends, a position left below it raised (rule 15). */
    ShardStore.StoredPosition recoverPosition();

    /** The replica's persisted metadata row. */
    ShardMeta loadMeta();

    /** Restores the persisted config {@code configJson} (non-null) into the context. */
    void restoreConfig(String configJson);

    /** The peers as the role persisted them. */
    List<Peer> readPeers(String peersJson);

    /** The restored role's peers are the pods expected at their addresses, as at /role. */
    void expectPeers(List<Peer> expected);
  }

  @Inject
  public ReplicaStartup(
      ReplicaContext ctx,
      ShardStore store,
      ShardConfigService configs,
      JdbcReplicaStore replicaStore,
      WriteCoordinator coordinator,
      SecondarySync sync,
      TlsFactory.ServerTls tls) {
    this(
        ctx,
        new Volume() {
          @Override
          public ShardStore.StoredPosition recoverPosition() {
            return store.recoverPosition();
          }

          @Override
          public ShardMeta loadMeta() {
            return store.loadMeta();
          }

          @Override
          public void restoreConfig(String configJson) {
            configs.restore(configJson);
          }

          @Override
          public List<Peer> readPeers(String peersJson) {
            return replicaStore.readPeers(peersJson);
          }

          @Override
          public void expectPeers(List<Peer> expected) {
            tls.expectPeers(expected);
          }
        },
        coordinator,
        sync);
  }

  /** Start-up over {@code volume} (the simulator's seam). */
  public ReplicaStartup(
      ReplicaContext ctx, Volume volume, WriteCoordinator coordinator, SecondarySync sync) {
    this.ctx = ctx;
    this.volume = volume;
    this.coordinator = coordinator;
    this.sync = sync;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    start();
  }

  /** Restores the persisted state and resumes the persisted role. */
  public void start() {
    // Rule 15: the applied position is never below an entry the log holds (a position written
    // below it by an older version is raised before anything reads it).
    ShardStore.StoredPosition stored = volume.recoverPosition();
    if (!stored.copyPending() && stored.maxLsn() > stored.appliedLsn()) {
      LOG.warn(
          "{}: applied lsn {} was below the log's last entry {}; resuming from the log",
          ctx.name(),
          stored.appliedLsn(),
          stored.maxLsn());
    }
    ShardMeta m = volume.loadMeta();
    if (m.configJson() != null) {
      volume.restoreConfig(m.configJson());
    }
    Role role = Role.valueOf(m.role());
    Peer primary = m.primaryName() == null ? null : new Peer(m.primaryName(), m.primaryUrl());
    List<Peer> peers = volume.readPeers(m.peersJson());
    List<Peer> expected = new ArrayList<>(peers);
    expected.add(primary);
    volume.expectPeers(expected);
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
