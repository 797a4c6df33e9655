package io.shardeddb.shardserver.replication;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.replication.write.BatchPlan;
import io.shardeddb.shardserver.replication.write.BatchPlanner;
import io.shardeddb.shardserver.replication.write.GroupCommit;
import io.shardeddb.shardserver.replication.write.WriteStorage;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * The production {@link ReplicaStore}: MariaDB through {@link ShardStore}. A group commit is one
 * transaction (the lookup, one round trip; the plan; the folded write with the epoch re-check last,
 * one more; COMMIT).
 */
@Singleton
public class JdbcReplicaStore implements ReplicaStore {
  private final ShardStore store;
  private final JsonMapper json;

  public JdbcReplicaStore(ShardStore store, JsonMapper json) {
    this.store = store;
    this.json = json;
  }

  /** Thrown inside the transaction to roll back a plan whose epoch re-check failed. */
  private static final class RecheckFailed extends RuntimeException {
    final transient GroupCommit.Result result;

    RecheckFailed(GroupCommit.Result result) {
      super(null, null, false, false);
      this.result = result;
    }
  }

  @Override
  public GroupCommit.Result groupCommit(
      UserTable table,
      List<ClientChange> changes,
      long epoch,
      boolean needNoop,
      long prevLsn,
      LongUnaryOperator commitMillis,
      long lastTimestamp,
      ShardConfig config,
      Consumer<BatchPlan> planned) {
    try {
      return store.inTransaction(
          c -> {
            GroupCommit.Result r =
                GroupCommit.run(
                    storage(c, table, prevLsn),
                    changes,
                    epoch,
                    needNoop,
                    prevLsn,
                    commitMillis,
                    lastTimestamp,
                    config,
                    table::toWire,
                    planned);
            if (!r.committed()) {
              throw new RecheckFailed(r);
            }
            return r;
          });
    } catch (RecheckFailed e) {
      return e.result;
    }
  }

  private WriteStorage storage(Connection c, UserTable table, long prevLsn) {
    return new WriteStorage() {
      @Override
      public Known lookUp(BatchPlanner.Lookup lookup) throws SQLException {
        ShardStore.Known k = store.lookUp(c, table, lookup);
        return new Known(k.outcomes(), k.present());
      }

      @Override
      public long commitMillisAt(long lsn) throws SQLException {
        return store.commitMillisAt(c, lsn);
      }

      @Override
      public long timestampAt(long lsn) throws SQLException {
        return store.timestampAt(c, lsn);
      }

      @Override
      public long[] commit(BatchPlan plan, long termEpoch) throws SQLException {
        String configJson = plan.configChanged() ? writeConfig(plan.configAfter()) : null;
        return store.commitPlan(c, table, plan, configJson, termEpoch, prevLsn);
      }
    };
  }

  @Override
  public ShardStore.StoredPosition recoverPosition() {
    return store.recoverPosition();
  }

  @Override
  public List<LogEntry> logPage(long fromLsn, int limit) {
    return store.logPage(fromLsn, limit);
  }

  @Override
  public void saveRole(
      long epoch,
      Role role,
      Peer primary,
      List<Peer> peers,
      WriteQuorum quorum,
      int specReplicas,
      String vote) {
    store.saveRole(
        epoch,
        role.name(),
        primary == null ? null : primary.name(),
        primary == null ? null : primary.url(),
        writePeers(peers),
        quorum.name(),
        specReplicas,
        vote);
  }

  @Override
  public Optional<Long> epochAt(long lsn) {
    return store.epochAt(lsn);
  }

  @Override
  public ShardConfig applyReplicated(UserTable table, List<LogEntry> entries, ShardConfig config) {
    return store.applyReplicated(table, entries, config, this::writeConfig);
  }

  @Override
  public void beginCopy(UserTable table) {
    store.beginCopy(table);
  }

  @Override
  public void loadChunk(UserTable table, List<Map<String, Object>> rows) {
    store.loadChunk(table, rows);
  }

  @Override
  public void loadOutcomes(List<RequestOutcome> outcomes) {
    store.loadOutcomes(outcomes);
  }

  @Override
  public void finishCopy(long lsn, long epoch, long commitMillis) {
    finishCopy(lsn, epoch, commitMillis, 0);
  }

  @Override
  public void finishCopy(long lsn, long epoch, long commitMillis, long timestamp) {
    store.finishCopy(lsn, epoch, commitMillis, timestamp);
  }

  /** The config as persisted in {@code shard_meta.config_json}. */
  public String writeConfig(ShardConfig config) {
    try {
      return json.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String writePeers(List<Peer> peers) {
    try {
      return peers == null ? null : json.writeValueAsString(peers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The peers as persisted by {@link #saveRole}. */
  public List<Peer> readPeers(String peersJson) {
    if (peersJson == null) {
      return List.of();
    }
    try {
      return json.readValue(peersJson, Argument.listOf(Peer.class));
    } catch (IOException e) {
      throw new UncheckedIOException("stored peers are unreadable", e);
    }
  }

  @Override
  public Set<String> recordedAmong(Collection<String> requestIds) {
    return store.recordedAmong(requestIds);
  }
}
