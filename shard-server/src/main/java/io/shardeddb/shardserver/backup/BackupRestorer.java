package io.shardeddb.shardserver.backup;

import io.micronaut.context.annotation.Context;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.backup.BackupCatalog;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.KeyRange;
import io.shardeddb.backup.RestorePlan;
import io.shardeddb.backup.RestoreTarget;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.protocol.shard.LogEntry;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.ShardConfigService;
import io.shardeddb.shardserver.replication.SnapshotHeader;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardMeta;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.Snapshot;
import io.shardeddb.shardserver.storage.UserTable;
import jakarta.annotation.PostConstruct;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores this replica of a new database from a backup before it serves anything (docs/backup.md):
 * loads the base snapshot (verified against the manifest's row count and checksum), then replays
 * the source shard's archive through the same apply path a secondary uses, up to the target LSN or
 * the last entry committed at or before the target time. Every replica of the shard does the same
 * from the same immutable objects, so all end identical; the operator then elects a primary among
 * them as after a lost status (fence, choose). Runs while the context starts (before the HTTP
 * server listens and before {@code ReplicaStartup} reads the stored state); a failure stops the
 * server with the reason, and nothing is served.
 *
 * <p>Decide apart from do: what to plan, whether a base matches, which segments to read and what to
 * do with each archived entry are {@link RestoreRules}' functions over values; this class only
 * reads the store and writes the shard.
 *
 * <p>Why this file is over 450 lines: it is the restore's I/O only — one sequence of named steps
 * (target, manifest, base, replay, finish) over one store and one shard, each step short; the
 * decisions already live in {@link RestoreRules}.
 */
@Context
public class BackupRestorer {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRestorer.class);
  private static final Argument<Map<String, Object>> ROW =
      Argument.mapOf(String.class, Object.class);
  private static final int CHUNK = 500;

  private final BackupSettings settings;
  private final BackupStores stores;
  private final ShardStore store;
  private final ShardConfigService configs;
  private final ReplicaContext ctx;
  private final JsonMapper json;

  public BackupRestorer(
      BackupSettings settings,
      BackupStores stores,
      ShardStore store,
      ShardConfigService configs,
      ReplicaContext ctx,
      JsonMapper json) {
    this.settings = settings;
    this.stores = stores;
    this.store = store;
    this.configs = configs;
    this.ctx = ctx;
    this.json = json;
  }

  @PostConstruct
  void restoreIfAsked() throws IOException {
    if (!settings.restoring()) {
      return;
    }
    ShardMeta m = store.loadMeta();
    boolean fresh =
        m.epoch() == 0
            && Role.valueOf(m.role()) == Role.None
            && (m.appliedLsn() == 0 || m.copyPending());
    if (!fresh) {
      LOG.info("{}: already restored (epoch {}, lsn {})", ctx.name(), m.epoch(), m.appliedLsn());
      return;
    }
    restore(m);
  }

  /**
   * The restore as a table of contents: the target (planned as the operator planned it), the base
   * manifest, the base loaded and verified, the archive replayed to the target, the ranges owned as
   * planned, then the role saved and the report written. The decisions are the static functions
   * below, over values; this method and its steps only read and write.
   */
  private void restore(ShardMeta m) throws IOException {
    String source = settings.restoreSource();
    String shard = settings.restoreShard();
    if (!RestoreRules.present(shard)) {
      throw new IllegalStateException("a restore needs shardeddb.backup.restore-shard");
    }
    BackupStore bs = stores.get();
    // Only an archive whose owner marker names one incarnation (docs/backup.md): never another's.
    new BackupCatalog(bs, source).owner();
    RestoreRules.Target target = target(bs, source, shard);
    BackupManifest manifest = manifest(bs, source, target.backup());
    ShardBaseBackup inManifest = manifest.shard(shard);
    if (inManifest == null && !target.emptyBase()) {
      throw new IllegalStateException(
          "backup '"
              + target.backup()
              + "' has no shard "
              + shard
              + " (it has "
              + manifest.layout()
              + ")");
    }
    LOG.info(
        "{}: restoring {} from {} of {}",
        ctx.name(),
        shard,
        target.emptyBase()
            ? "an empty base (created after backup " + target.backup() + ")"
            : "backup " + target.backup(),
        source);
    Base base =
        target.emptyBase()
            ? emptyBase(shard, manifest, target.planned())
            : verifiedBase(bs, shard, inManifest);
    Replayed replayed =
        target.replays()
            ? replay(bs, source, shard, base, target)
            : new Replayed(base.lsn(), base.epoch(), ctx.requireConfig());
    if (target.planned() != null && target.planned().owned() != null) {
      ownAsPlanned(shard, replayed.config(), target.planned());
    }
    finish(m, bs, source, shard, target, base, replayed);
  }

  /**
   * The target: the same plan the operator checked before creating this database (RestorePlanner);
   * the objects it reads are immutable, so every replica arrives at the same one.
   */
  private RestoreRules.Target target(BackupStore bs, String source, String shard) {
    Optional<RestoreTarget> toPlan =
        RestoreRules.toPlan(
            settings.restoreBackup(),
            settings.restoreToLsn(),
            settings.restoreToTime(),
            settings.restorePoint(),
            settings.restoreTime(),
            settings.restoreTimestamp());
    if (toPlan.isEmpty()) {
      return new RestoreRules.Target(
          settings.restoreBackup(), settings.restoreToLsn(), settings.restoreToTime(), null);
    }
    return RestoreRules.Target.planned(shard, new BackupCatalog(bs, source).plan(toPlan.get()));
  }

  private static BackupManifest manifest(BackupStore bs, String source, String backup) {
    return bs.get(BackupKeys.manifest(source, backup))
        .map(b -> BackupJson.read(b, BackupManifest.class))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "backup '"
                        + backup
                        + "' of database '"
                        + source
                        + "' is not in "
                        + bs.settings().describe()));
  }

  /** The table as its base left it: the snapshot's LSN and epoch, and its checksum. */
  record Base(UserTable table, long lsn, long epoch, String checksum) {}

  /**
   * 1. A shard a split created after the base backup: it began empty, owning nothing (as the
   * operator configures a move's new destination), with the database's schema (its tables too) and
   * sharding.
   */
  private Base emptyBase(String shard, BackupManifest manifest, RestorePlan.Shard planned)
      throws IOException {
    ShardConfig like = json.readValue(manifest.shards().getFirst().configJson(), ShardConfig.class);
    KeyRange at = planned.owned().getFirst();
    configs.adopt(
        new ShardConfig(
            shard,
            like.schema(),
            at.low(),
            at.size(),
            like.sharding(),
            List.of(),
            null,
            null,
            like.tables()),
        true);
    UserTable table = ctx.requireTable();
    store.beginCopy(table);
    store.finishCopy(0, 0, 0, 0);
    return new Base(table, 0, 0, checksum(table).sha256());
  }

  /** 1. The base snapshot loaded, and refused unless it matches the manifest. */
  private Base verifiedBase(BackupStore bs, String shard, ShardBaseBackup base) throws IOException {
    SnapshotHeader header = loadBase(bs, base);
    UserTable table = ctx.requireTable();
    RestoreRules.requireMatches(shard, base, checksum(table));
    return new Base(table, header.lsn(), header.epoch(), base.checksum());
  }

  /** Where the replay stands: the last LSN applied, its epoch, the config it left. */
  record Replayed(long applied, long lastEpoch, ShardConfig config) {}

  /**
   * 2. The archive after the base, up to the target ({@link ArchiveReplay}), through a secondary's
   * apply path.
   */
  private Replayed replay(
      BackupStore bs, String source, String shard, Base base, RestoreRules.Target target)
      throws IOException {
    Replayed[] at = {new Replayed(base.lsn(), base.epoch(), ctx.requireConfig())};
    ArchiveReplay.replay(
        bs,
        json,
        source,
        shard,
        base.lsn(),
        base.epoch(),
        target.toLsn(),
        target.toTime(),
        CHUNK,
        batch -> at[0] = apply(at[0], base.table(), batch));
    ctx.configure(at[0].config());
    return at[0];
  }

  private Replayed apply(Replayed at, UserTable table, List<LogEntry> batch) {
    ShardConfig config = store.applyReplicated(table, batch, at.config(), configs::write);
    return new Replayed(batch.getLast().lsn(), batch.getLast().epoch(), config);
  }

  /**
   * 4. The highest epoch any restored entry carries is this replica's epoch, so the election that
   * follows fences above it and every new entry's epoch exceeds every restored one; then the
   * report, for the operator to compare the replicas.
   */
  private void finish(
      ShardMeta m,
      BackupStore bs,
      String source,
      String shard,
      RestoreRules.Target target,
      Base base,
      Replayed replayed)
      throws IOException {
    store.saveRole(
        Math.max(replayed.lastEpoch(), m.epoch()),
        Role.None.name(),
        null,
        null,
        null,
        m.writeQuorum(),
        m.specReplicas(),
        null);
    RestoreRules.TableSum sum = checksum(base.table());
    RestoreReport report =
        new RestoreReport(
            shard,
            ctx.name(),
            source,
            target.backup(),
            base.lsn(),
            base.checksum(),
            true,
            replayed.applied(),
            sum.rows(),
            sum.sha256(),
            System.currentTimeMillis());
    if (RestoreRules.present(settings.database())) {
      bs.putBytes(
          RestoreReport.key(settings.database(), shard, ctx.name()),
          json.writeValueAsBytes(report));
    }
    LOG.info(
        "{}: restored {} to lsn {} ({} rows, checksum {}) from backup {} of {}",
        ctx.name(),
        shard,
        replayed.applied(),
        sum.rows(),
        sum.sha256(),
        target.backup(),
        source);
  }

  /** 1. The base snapshot, exactly as a re-copy loads one (rule 7: Copying until complete). */
  private SnapshotHeader loadBase(BackupStore bs, ShardBaseBackup base) throws IOException {
    try (InputStream in = bs.open(base.key());
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      SnapshotHeader header = json.readValue(r.readLine(), SnapshotHeader.class);
      configs.adopt(header.config(), true);
      UserTable table = ctx.requireTable();
      store.beginCopy(table);
      List<Map<String, Object>> chunk = new ArrayList<>();
      long rows = 0;
      while (rows + chunk.size() < header.rows()) {
        String line = r.readLine();
        if (line == null) {
          throw new IOException("backup snapshot ended after " + rows + " of " + header.rows());
        }
        chunk.add(ctx.requireConfig().coerceSnapshotRow(json.readValue(line, ROW)));
        if (chunk.size() >= CHUNK) {
          store.loadChunk(table, chunk);
          rows += chunk.size();
          chunk = new ArrayList<>();
        }
      }
      store.loadChunk(table, chunk);
      List<RequestOutcome> outcomes = new ArrayList<>();
      long ids = 0;
      while (ids + outcomes.size() < header.requestIds()) {
        String line = r.readLine();
        if (line == null) {
          throw new IOException("backup snapshot ended after " + ids + " request ids");
        }
        outcomes.add(json.readValue(line, RequestOutcome.class));
        if (outcomes.size() >= CHUNK) {
          store.loadOutcomes(outcomes);
          ids += outcomes.size();
          outcomes = new ArrayList<>();
        }
      }
      store.loadOutcomes(outcomes);
      store.finishCopy(header.lsn(), header.epoch(), header.commitMillis(), header.timestamp());
      return header;
    }
  }

  /**
   * 3. What the shard owns at the target, as planned: the replay must have left exactly the planned
   * ranges less those a cut-over had fenced but not handed over by the target; those it owns again
   * (as the operator's un-fence does after a cut-over that timed out), so the restored shard owns
   * what the published layout gave it then. A replay that disagrees with the plan fails the restore
   * rather than serve a layout nobody routes.
   */
  private void ownAsPlanned(String shard, ShardConfig config, RestorePlan.Shard planned) {
    List<KeyRange> replayed =
        config.ownedRanges() == null
            ? null
            : KeyRange.normalize(
                config.ownedRanges().stream().map(r -> new KeyRange(r.low(), r.size())).toList());
    List<KeyRange> expected = planned.owned();
    for (KeyRange r : planned.unfenced()) {
      expected = KeyRange.minus(expected, r);
    }
    if (!expected.equals(replayed)) {
      throw new IllegalStateException(
          "the archive of "
              + shard
              + " leaves it owning "
              + replayed
              + " at the target, but the restore plan expects "
              + expected
              + " (and "
              + planned.unfenced()
              + " un-fenced): the archive and its range changes disagree");
    }
    if (!planned.unfenced().isEmpty()) {
      LOG.info(
          "{}: {} owns {} again: fenced by a cut-over that had not completed at the target",
          ctx.name(),
          shard,
          planned.unfenced());
      configs.adopt(
          config.withOwned(
              planned.owned().stream().map(r -> new PointRange(r.low(), r.size())).toList()),
          true);
    }
  }

  /** Row count and SHA-256 as {@code /checksum} computes them. */
  private RestoreRules.TableSum checksum(UserTable table) {
    try (Snapshot snap = store.openSnapshot(table)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      long n = 0;
      List<Map<String, Object>> rows;
      while (!(rows = snap.next(1000)).isEmpty()) {
        for (Map<String, Object> row : rows) {
          md.update(snap.canonical(row).getBytes(StandardCharsets.UTF_8));
          n++;
        }
      }
      return new RestoreRules.TableSum(n, HexFormat.of().formatHex(md.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
