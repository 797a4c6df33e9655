package io.shardeddb.simulation;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.config.ServerSettings;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ImportService;
import io.shardeddb.shardserver.replication.LogExport;
import io.shardeddb.shardserver.replication.Ownership;
import io.shardeddb.shardserver.replication.PeerRefusal;
import io.shardeddb.shardserver.replication.ReadGuards;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.ReplicaStartup;
import io.shardeddb.shardserver.replication.RoleService;
import io.shardeddb.shardserver.replication.RoleStore;
import io.shardeddb.shardserver.replication.SecondarySync;
import io.shardeddb.shardserver.replication.SnapshotStream;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.rules.PrimaryIdentity;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One simulated shard-server replica: the production replica classes over simulated storage, peers
 * and time. Its disk ({@link SimDisk}, what survives a crash) is the replica's {@code
 * ReplicaStore}; each boot runs the production {@link ReplicaStartup} over it and builds the
 * production {@link ReplicaContext}, {@link RoleStore}, {@link WriteCoordinator} (term start and
 * no-op, group commit, replication through {@code PeerLink}, quorum wait, reply, lease, quorum
 * report, rule 15's recovery) and {@link SecondarySync} (append with log matching, pull catch-up,
 * re-copy) over that disk, a {@link SimTransport} and a {@link SimClock}. This class is only the
 * adapter: it turns messages into the calls the shard-server's controllers make ({@code /role},
 * {@code /fence}, {@code /replicate}, {@code /write}, {@code /update}, {@code /del}, {@code /read}
 * at each consistency level, and the primary's answers to {@code /log} and {@code /snapshot}).
 *
 * <p>Why this file is over 450 lines: it is the shard-server's controllers' adapter in one place,
 * so each message maps to exactly one production call with the controller's guards beside it; the
 * classes it drives are the production ones.
 */
final class SimReplica {
  /**
   * The shard-server's replication settings in the simulator (its lease is {@code
   * ShardSimulation.LEASE}), with {@code window} replicate requests in flight per secondary.
   */
  /** The window this replica's next boot uses (before the simulation runs). */
  void window(int window) {
    this.settings = settings(window);
  }

  static ReplicationSettings settings(int window) {
    return new ReplicationSettings(
        Duration.ofMillis(1_500),
        64,
        Duration.ofMillis(500),
        Duration.ofMillis(200),
        Duration.ofSeconds(1),
        256,
        1_000_000,
        Duration.ofSeconds(10),
        Duration.ofMillis(500),
        Duration.ofMillis(ShardSimulation.LEASE),
        Duration.ZERO,
        null,
        window,
        false,
        -1);
  }

  private ReplicationSettings settings;
  private final String name;
  private final Scheduler scheduler;
  private final Network network;
  private final Rulebook rules;
  private final Function<String, SimReplica> directory;
  private final StorageFaults storageFaults;

  /** What {@code /config} brings this replica up with (its shard, table and owned ranges). */
  private final ShardConfig bringUp;

  private SimDisk disk = new SimDisk();
  private int incarnation;
  private long requestIds;
  private int primaryRefusals;

  // One incarnation of the production replica.
  private SimClock clock;
  private SimTransport transport;
  private ReplicaContext ctx;
  private RoleStore roleStore;
  private WriteCoordinator coordinator;
  private SecondarySync sync;
  private RoleService roles;
  private ImportService imports;
  private LogExport export;
  private Ownership ownership;
  private ReadGuards guards;
  private io.shardeddb.shardserver.time.TimestampService timestamps;

  /** Where this replica archives ({@link ShardSimulation#withArchive}); null: no backups. */
  SimArchive archive;

  /** This incarnation's production archiver, when {@link #archive} is set and it runs. */
  private io.shardeddb.shardserver.backup.Archiver archiver;

  SimReplica(
      String name,
      Scheduler scheduler,
      Network network,
      Rulebook rules,
      Function<String, SimReplica> directory,
      int window) {
    this(name, scheduler, network, rules, directory, window, SimStorage.CONFIG);
  }

  /** A replica of the shard {@code bringUp} configures (a shard of {@link MoveSimulation}). */
  SimReplica(
      String name,
      Scheduler scheduler,
      Network network,
      Rulebook rules,
      Function<String, SimReplica> directory,
      ShardConfig bringUp) {
    this(name, scheduler, network, rules, directory, ShardSimulation.DEFAULT_WINDOW, bringUp);
  }

  private SimReplica(
      String name,
      Scheduler scheduler,
      Network network,
      Rulebook rules,
      Function<String, SimReplica> directory,
      int window,
      ShardConfig bringUp) {
    window(window);
    this.bringUp = bringUp;
    this.disk.config = bringUp;
    this.name = name;
    this.scheduler = scheduler;
    this.network = network;
    this.rules = rules;
    this.directory = directory;
    this.storageFaults = new StorageFaults(scheduler::now);
  }

  String name() {
    return name;
  }

  SimDisk disk() {
    return disk;
  }

  /** How many Primary roles this replica refused (across restarts). */
  int primaryRefusals() {
    return primaryRefusals;
  }

  StorageFaults storageFaults() {
    return storageFaults;
  }

  boolean actingPrimary() {
    return disk.primary;
  }

  /**
   * The LSN this incarnation's memory holds applied ({@code ReplicaContext.appliedLsn}), or {@link
   * Judge.Replica#NOT_RUNNING} when no process runs or it re-copies (its storage is rewritten).
   */
  long appliedInMemory() {
    if (ctx == null || network.liveness(name) == Network.Liveness.DOWN || disk.copying) {
      return Judge.Replica.NOT_RUNNING;
    }
    return ctx.appliedLsn();
  }

  /** Whether this replica's re-copy is reading its snapshot stream now (blocked in a chunk). */
  boolean copyStreaming() {
    return clock != null && clock.blocked();
  }

  /** Whether this replica holds none of the data it once acknowledged (lost volume, copying). */
  boolean holdsNoData() {
    // A replica reporting Copying (a re-copy requested, even one not begun with its rows intact)
    // counts for nothing in an election, as the operator counts it (seed 1224).
    // Nor one whose log holds no entry at all (configured, but it never received one): every
    // replica that took part in an acknowledgement holds at least a primary's no-op (rule 2's
    // empty-log rule, Candidate.holdsItsData).
    return disk.empty
        || disk.copying
        || !disk.configured
        || disk.lastLsn() == 0
        || (ctx != null && ctx.state() == ReplicaState.Copying);
  }

  /** The pod addresses (fixed unless a schedule moves pods); shared by the whole world. */
  Addresses addresses = new Addresses();

  private static Peer peer(String name, java.util.Map<String, String> urls) {
    String url = urls == null ? null : urls.get(name);
    return new Peer(name, url == null ? "sim://" + name : url);
  }

  /**
   * Boots (first start or after a crash) as a shard-server does: volatile state is empty, the disk
   * is what it was, and the production {@link ReplicaStartup} restores the context from it and
   * resumes the persisted role (a primary orders writes again, a secondary catches up or finishes
   * its re-copy). A storage error at start-up kills the process; it starts again after {@link
   * #START_BACKOFF} ms, as a pod's container is restarted.
   */
  void start() {
    // Two restarts can be scheduled for one crash (a crash during a wipe's downtime): the process
    // that runs is the last one started, never two at once over one disk.
    if (clock != null) {
      clock.stop();
    }
    incarnation++;
    // A pod that starts while another serves the address it had gets a new one.
    if (!addresses.servesItsOwn(name)) {
      addresses.assign(name, null);
    }
    if (dropsPersistedPrimary) {
      disk.primary = false;
    }
    disk.faults = storageFaults;
    clock = new SimClock(scheduler, network, name, storageFaults::busyUntil);
    transport =
        new SimTransport(
            name,
            network,
            clock,
            settings.requestTimeout().toMillis(),
            () -> ++requestIds,
            directory,
            addresses);
    ctx = new ReplicaContext(new ServerSettings(name), clock);
    roleStore = new RoleStore(ctx, disk);
    coordinator =
        new WriteCoordinator(
            ctx, disk, transport, settings, roleStore, rules, clock, new CompositeMeterRegistry());
    coordinator.start();
    // Loaded as the stream arrives (SimTransport.CHUNK_ITEMS at a time), so a re-copy takes
    // simulated time chunk by chunk.
    sync =
        new SecondarySync(
            ctx, disk, transport, this::adopt, settings, clock, rules, SimTransport.CHUNK_ITEMS);
    roles = new RoleService(ctx, roleStore, coordinator, sync, rules);
    imports = new ImportService(ctx, coordinator, transport, disk, settings, clock, rules);
    export = new LogExport(ctx, coordinator, disk, settings, rules);
    ownership = new Ownership(disk, rules);
    guards = new ReadGuards(ctx, coordinator, disk, settings, rules);
    timestamps =
        new io.shardeddb.shardserver.time.TimestampService(ctx, coordinator, guards, clock, rules);
    io.shardeddb.shardserver.backup.ArchiveProgress progress =
        archive == null ? null : archive.progress();
    archiver =
        archive == null
            ? null
            : archive.start(ctx, coordinator, disk, rules, settings, clock, transport, progress);
    if (trim != null) {
      // The production LogTrimmer's step on this incarnation's clock, its floor the archive's.
      io.shardeddb.shardserver.replication.LogTrimFloor floor =
          progress == null ? (applied, now) -> Long.MAX_VALUE : progress;
      trimEvery(clock, floor);
    }
    network.liveness(name, Network.Liveness.UP);
    try {
      new ReplicaStartup(ctx, new SimVolume(disk, ctx), coordinator, sync).start();
    } catch (StorageException failed) {
      trace("start-up failed (" + failed.getMessage() + "); restarting");
      crash();
      int dead = incarnation;
      scheduler.after(
          START_BACKOFF,
          () -> {
            if (incarnation == dead && restartsAfterAFailedStart.getAsBoolean()) {
              start();
            }
          });
    }
  }

  /** How this replica trims its log ({@link FaultPlan.LogTrim}), or null: it never does. */
  private FaultPlan.LogTrim trim;

  /** The replica trims its log as {@code trim} says, from its next start (null: never). */
  void trimLog(FaultPlan.LogTrim trim) {
    this.trim = trim;
  }

  /**
   * The log ranges this replica trimmed, {from, to} LSNs, across restarts and lost volumes (the
   * judge of an archive asks whether a gap covers entries a replica trimmed).
   */
  private final List<long[]> trimmed = new java.util.ArrayList<>();

  List<long[]> trimmed() {
    return List.copyOf(trimmed);
  }

  /**
   * {@code LogTrimmer}'s timer on {@code clock}: every {@link FaultPlan.LogTrim#intervalMillis} the
   * production step ({@code LogTrimmer.trimOnce}) over this disk; a failed trim is tried again at
   * the next interval (the shard-server logs it). Nothing of a crashed incarnation runs.
   */
  private void trimEvery(SimClock clock, io.shardeddb.shardserver.replication.LogTrimFloor floor) {
    clock.schedule(
        trim.intervalMillis(),
        () -> {
          long before = ctx.logStartLsn();
          try {
            long after =
                io.shardeddb.shardserver.replication.LogTrimmer.trimOnce(
                    ctx, rules, trim.retention(), floor, clock.wallMillis(), disk::trimLog);
            if (after > before) {
              trimmed.add(new long[] {before + 1, after});
            }
          } catch (RuntimeException e) {
            trace("log trim failed: " + e.getMessage());
          }
          trimEvery(clock, floor);
        });
  }

  /** How long a replica whose start-up failed stays down before it starts again (ms). */
  static final long START_BACKOFF = 1_000;

  /** Whether this replica is still a pod to restart (the world may have removed it meanwhile). */
  java.util.function.BooleanSupplier restartsAfterAFailedStart = () -> true;

  /**
   * The simulator's restart before issue 24, for the red/green of {@code
   * ShardSimulationTest.aRestartedPrimaryResumesItsRole}: a restarted primary forgot its persisted
   * role and waited for the operator (no shard-server does that).
   */
  boolean dropsPersistedPrimary;

  /** A mutation: a snapshot's schema is not taken by a configured replica that re-copies. */
  boolean ignoresShippedSchema;

  /**
   * {@code ShardConfigService.adopt} on the disk: a replica that lost its volume learns its table
   * from the primary's snapshot (or from {@code /config}). As production, what is adopted is
   * decided against the config in memory ({@code ctx.config()}), not storage's: the two differ
   * while a replay that landed with its reply lost is not yet read back (its range entries changed
   * what storage owns, not yet what memory owns), and a snapshot's config equal to storage's must
   * still reach memory (before 2026-11-29 this adapter compared with storage's and left memory
   * owning a fenced range for good: the move world's seed 36 under database restarts, its primary
   * refusing every write with 421). Storage down: the config is not saved (503), memory unchanged.
   */
  private void adopt(ShardConfig config, boolean replaceOwned) {
    ShardConfig current = ctx.config();
    ShardConfig next =
        io.shardeddb.shardserver.replication.ConfigAdoption.next(
            name, current, config, replaceOwned);
    if (ignoresShippedSchema && current != null) {
      // The mutation: a re-copy keeps its own schema (as the simulator's copy of adopt did).
      next = next.withTablesOf(current);
    }
    if (current != null && next == current) {
      return;
    }
    disk.requireUp();
    disk.configured = true;
    disk.config = next;
    disk.syncTables(next);
    ctx.configure(next);
  }

  /** One archive pass now, if this incarnation archives and runs (before a schedule is judged). */
  void archiveNow() {
    if (archiver != null) {
      SimArchive.tick(archiver);
    }
  }

  void crash() {
    archiver = null;
    network.liveness(name, Network.Liveness.DOWN);
    if (clock != null) {
      clock.stop();
    }
    incarnation++;
  }

  /** A lost volume: the pod comes back with an empty, unconfigured database. */
  void wipe() {
    boolean mutated = disk.defersDdl;
    boolean firstOnly = disk.exportsFirstTableOnly;
    disk = new SimDisk();
    disk.defersDdl = mutated;
    disk.exportsFirstTableOnly = firstOnly;
    disk.configured = false;
    disk.empty = true;
  }

  void receive(String from, Object m) {
    switch (m) {
      case Messages.Ping p -> network.send(name, from, pong());
      case Messages.Configure c -> {
        try {
          adopt(c.owned() == null ? bringUp : bringUp.withOwned(c.owned()), false);
        } catch (StorageException down) {
          trace("/config not saved: " + down.getMessage()); // a 503; the operator sends it again
        }
      }
      case Messages.Resync r -> {
        if (ctx.view().role() == Role.Secondary) {
          sync.resync();
        }
      }
      case Messages.Fence f -> onFence(from, f);
      case Messages.Role r -> onRole(r);
      case SimTransport.Replicate r -> onReplicate(from, r);
      case SimTransport.Replicated r -> transport.answered(r);
      case Messages.Write w -> onWrite(from, w);
      case Messages.Read r -> onRead(from, r);
      case Messages.Update u -> onUpdate(from, u);
      case Messages.Delete d -> onDelete(from, d);
      case Messages.ReadKey r -> onReadKey(from, r);
      case Messages.OwnedChange c -> onOwnedChange(from, c);
      case Messages.OwnedBatch b -> onOwnedBatch(from, b);
      case Messages.OwnedRead r -> onOwnedRead(from, r);
      case Messages.TimestampAsk t -> onTimestampAsk(from, t);
      case Messages.HeartbeatAsk h ->
          network.send(name, from, new Messages.HeartbeatReply(h.id(), heartbeat()));
      default -> throw new IllegalArgumentException("unexpected " + m);
    }
  }

  /**
   * The epochs this replica, as primary, stopped serving for good ({@code
   * WriteCoordinator.abandon}, rule 15: its storage held entries its term could not explain), as
   * its heartbeats reported it.
   */
  private final java.util.Set<Long> termsEnded = new java.util.HashSet<>();

  /** How many terms this replica ended for good and reported so (across restarts). */
  int termsEnded() {
    return termsEnded.size();
  }

  private void noteTermEnded() {
    long epoch = ctx.view().epoch();
    if (coordinator.stoppedServing(epoch)) {
      termsEnded.add(epoch);
    }
  }

  private Messages.Pong pong() {
    noteTermEnded();
    // The heartbeat's copy state and position as the rule says it (rule 7, RoleService.reported):
    // the disk's own unless a broken rulebook lies.
    io.shardeddb.protocol.shard.Heartbeat h = ctx.heartbeat();
    io.shardeddb.protocol.shard.Heartbeat told = roles.reported(h);
    boolean honest = told == h;
    // A secondary's report of its primary (rule 11), as GET /heartbeat adds it.
    io.shardeddb.protocol.shard.Heartbeat contact = sync.withPrimaryContact(h);
    return new Messages.Pong(
        name,
        disk.epoch,
        disk.primary,
        disk.secondary,
        disk.primaryName,
        honest ? disk.lastEntryEpoch() : told.lastEntryEpoch(),
        honest ? disk.lastLsn() : told.appliedLsn(),
        honest ? ctx.state() : told.state(),
        reportedQuorum(),
        h.primaryUrl(),
        contact.primaryContactAgeMillis(),
        contact.primaryLost());
  }

  /** Off: a primary that does not report its quorum (as shard-servers before rule 11). */
  private boolean reportsQuorum = true;

  void reportQuorum(boolean on) {
    reportsQuorum = on;
  }

  /**
   * Not a fault but a mutation (review 2026-11-26 #4's primary side broken): a primary whose term
   * ended for good ({@code WriteCoordinator.abandon}) reports no quorum state, as the shard-server
   * did before the fix (it stepped down inside and kept role Primary without a term), which the
   * planner reads as an older shard-server: no failover.
   */
  boolean hidesEndedTerm;

  /** The quorum state the heartbeat carries ({@code ShardController}: the primary's). */
  private io.shardeddb.protocol.shard.QuorumState reportedQuorum() {
    if (!reportsQuorum || (hidesEndedTerm && coordinator.stoppedServing(ctx.view().epoch()))) {
      return null;
    }
    return coordinator.quorumState();
  }

  // --- /fence and /role: the production RoleService (rules 1 and 2) ---------------------------

  private void onFence(String from, Messages.Fence f) {
    if (copyStreaming()) {
      network.fenceMidCopy(); // rule 7's window: a fence while this replica's copy streams
    }
    FenceResponse a;
    try {
      a = roles.fence(new FenceRequest(f.epoch()));
    } catch (ShardException | StorageException refused) {
      // A stale fence (409), or the fence not persisted (503: the database is restarting).
      return;
    }
    network.send(
        name,
        from,
        new Messages.FenceAck(
            a.name(), a.epoch(), a.lastEntryEpoch(), a.lastLsn(), a.state(), a.handsOverLease()));
  }

  private void onRole(Messages.Role r) {
    Role role = r.primary() ? Role.Primary : Role.Secondary;
    try {
      roles.assign(
          new RoleRequest(
              r.epoch(),
              role,
              peer(r.primaryName(), r.urls()),
              r.peers().stream().map(p -> peer(p, r.urls())).toList(),
              r.writeQuorum() == null ? WriteQuorum.Majority : r.writeQuorum(),
              r.replicas(),
              r.learners().stream().map(p -> peer(p, r.urls())).toList(),
              r.chosenAt(),
              r.leaseHandedOver()));
    } catch (ShardException | InvalidRequestException refused) {
      if (role == Role.Primary) {
        primaryRefusals++;
        trace("refused Primary at epoch " + r.epoch() + ": " + refused.getMessage());
      }
      return;
    } catch (StorageException down) {
      // The role not persisted (a 503: the database is restarting); the operator sends it again.
      trace(role + " at epoch " + r.epoch() + " not saved: " + down.getMessage());
      return;
    }
    trace(
        role
            + " at epoch "
            + r.epoch()
            + ", log at "
            + disk.lastEntryEpoch()
            + "/"
            + disk.lastLsn());
  }

  // --- /write: the production WriteCoordinator -----------------------------------------------

  private void onWrite(String client, Messages.Write w) {
    submit(client, w.rid(), ClientChange.write(List.of(SimStorage.row(w.key())), w.rid()));
  }

  // --- /timestamps: the production TimestampService (DESIGN §11) -------------------------------

  private void onTimestampAsk(String client, Messages.TimestampAsk t) {
    CompletableFuture<io.shardeddb.protocol.time.TimestampResponse> done;
    try {
      done = timestamps.allocateAsync(t.count());
    } catch (ShardException e) {
      network.send(name, client, new Messages.TimestampReply(t.id(), e.status(), 0, 0));
      return;
    }
    int inc = incarnation;
    done.whenComplete(
        (granted, err) -> {
          if (inc != incarnation) {
            return;
          }
          Throwable cause = err instanceof CompletionException c ? c.getCause() : err;
          network.send(
              name,
              client,
              err == null
                  ? new Messages.TimestampReply(t.id(), 200, granted.first(), granted.count())
                  : new Messages.TimestampReply(
                      t.id(), cause instanceof ShardException s ? s.status() : 503, 0, 0));
        });
  }

  // --- /replicate: the production SecondarySync -----------------------------------------------

  private void onReplicate(String from, SimTransport.Replicate m) {
    SimTransport.Replicated answer;
    try {
      answer = new SimTransport.Replicated(m.id(), sync.onReplicate(m.request()), 200, 0);
    } catch (ShardException e) {
      answer = new SimTransport.Replicated(m.id(), null, e.status(), e.epoch());
    } catch (StorageException e) {
      // As the shard-server's StorageExceptionHandler: 503 (e.g. an entry the disk already holds,
      // refused by its primary key, when a broken rule let a primary reuse an LSN).
      answer = new SimTransport.Replicated(m.id(), null, 503, 0);
    }
    if (ShardSimulation.TRACE) {
      var q = m.request();
      trace(
          "replicate#"
              + m.id()
              + " from "
              + from
              + " e"
              + q.epoch()
              + " prev "
              + q.prevEpoch()
              + "/"
              + q.prevLsn()
              + " +"
              + (q.entries() == null ? 0 : q.entries().size())
              + " -> "
              + (answer.response() == null
                  ? "HTTP " + answer.status()
                  : "inSync="
                      + answer.response().inSync()
                      + " match="
                      + answer.response().matchLsn())
              + " (log "
              + disk.lastEntryEpoch()
              + "/"
              + disk.lastLsn()
              + ")");
    }
    network.send(name, from, answer);
  }

  // --- the primary's answers to /log and /snapshot, as ReplicationController gives them -------

  /** {@code GET /log} (not an export): the production {@link LogExport}. */
  LogResponse serveLog(
      String replica, long fromLsn, long prevEpoch, int limit, String primary, long epoch)
      throws PeerRefusal {
    trace("serveLog to " + replica + " from " + fromLsn + " prevEpoch " + prevEpoch);
    return counted(
        () ->
            answered(
                () -> export.log(fromLsn, prevEpoch, limit, replica, null, null, primary, epoch)));
  }

  /** {@code /log} answers of 410 (the entries asked for were trimmed), across restarts. */
  private long logGone;

  long logGone() {
    return logGone;
  }

  /** A {@code /log} answer, a 410 counted in {@link #logGone}. */
  private <T> T counted(PeerCall<T> call) throws PeerRefusal {
    try {
      return call.get();
    } catch (PeerRefusal r) {
      if (r.status() == 410) {
        logGone++;
      }
      throw r;
    }
  }

  /** A call answered with a body or a {@link PeerRefusal}. */
  private interface PeerCall<T> {
    T get() throws PeerRefusal;
  }

  /**
   * A call of the production export answered as its HTTP status ({@code PeerClient}'s view; a
   * storage error is the shard-server's {@code StorageExceptionHandler}'s 503).
   */
  private static <T> T answered(java.util.function.Supplier<T> call) throws PeerRefusal {
    try {
      return call.get();
    } catch (ShardException e) {
      throw new PeerRefusal(e.status(), e.getMessage(), e.epoch());
    } catch (InvalidRequestException e) {
      throw new PeerRefusal(400, e.getMessage(), -1);
    } catch (StorageException e) {
      throw new PeerRefusal(503, e.getMessage(), -1);
    }
  }

  /** The database server is down (restarting): storage reads fail, as a 503. */
  private void requireStorage() {
    if (storageFaults.down()) {
      throw ShardException.unavailable("storage unavailable: the database is restarting");
    }
  }

  /**
   * {@code GET /snapshot} for a re-copy by a secondary following {@code primary} of {@code epoch}
   * (identity as {@code /log}): the rows and request outcomes at the disk's position, at once.
   */
  SnapshotStream serveSnapshot(String primary, long epoch) throws PeerRefusal {
    trace(
        "serveSnapshot at "
            + disk.lastEntryEpoch()
            + "/"
            + disk.lastLsn()
            + " for a follower of "
            + primary
            + " at epoch "
            + epoch);
    answered(
        () -> {
          export.requireIdentity(PrimaryIdentity.Pull.SNAPSHOT, primary, epoch);
          requireStorage();
          return ctx.requireConfig();
        });
    return disk.snapshot(null, disk.config);
  }

  // --- /read at primary consistency: the production lease (rule 9) -----------------------------

  private void onRead(String client, Messages.Read r) {
    if (!disk.primary
        || refusalOf(guards::requireLease) != null
        || refusalOf(this::requireStorage) != null) {
      network.send(name, client, new Messages.ReadReply(r.id(), false, disk.epoch, List.of()));
      return;
    }
    List<Long> rows = List.copyOf(disk.rows.keySet());
    long epoch = disk.epoch;
    afterReadIndex(
        ok ->
            network.send(
                name,
                client,
                ok
                    ? new Messages.ReadReply(r.id(), true, epoch, rows)
                    : new Messages.ReadReply(r.id(), false, disk.epoch, List.of())));
  }

  /**
   * {@code ReadRequests.awaitReadIndex}: the rows are read, then answered once the quorum holds
   * every entry they may show (rule 9, read index), else 503; a crashed incarnation answers
   * nothing.
   */
  private void afterReadIndex(java.util.function.Consumer<Boolean> answer) {
    int inc = incarnation;
    coordinator
        .awaitReadIndex(coordinator.readIndexLsn(), settings.minLsnWait().toMillis())
        .whenComplete(
            (ok, err) -> {
              if (inc == incarnation) {
                answer.accept(err == null);
              }
            });
  }

  // --- /update and /del: the production WriteCoordinator, as ShardController calls it ----------

  /** {@code PUT /update}: the row's new values (the shard key cannot change), one change. */
  private void onUpdate(String client, Messages.Update u) {
    Map<String, Object> values =
        SimStorage.CONFIG.schema().coercePartialRow(Map.of(SimStorage.VALUE, u.value()));
    submit(client, u.rid(), ClientChange.update(u.key(), values, u.rid()));
  }

  /** {@code DELETE /del}: one change. */
  private void onDelete(String client, Messages.Delete d) {
    submit(client, d.rid(), ClientChange.delete(d.key(), d.rid()));
  }

  /**
   * {@code coordinator.submitAcked(change)} and {@code WriteRequests.written}: 200 with the entry's
   * LSN and epoch (the session token; a deduplicated retry's epoch is read from the log), or the
   * error's status — 404 for an update or delete of a missing key, 409 not primary, 503.
   */
  private void submit(String client, String rid, ClientChange change) {
    submit(rid, change, reply -> network.send(name, client, reply));
  }

  /** Queues {@code change} on the production write path; {@code answer} gets its reply. */
  private void submit(
      String rid, ClientChange change, java.util.function.Consumer<Messages.WriteReply> answer) {
    CompletableFuture<WriteCoordinator.Acked> done;
    try {
      done = coordinator.enqueue(change);
    } catch (ShardException e) {
      answer.accept(refusal(rid, e));
      return;
    }
    int inc = incarnation;
    done.whenComplete(
        (acked, err) -> {
          if (inc != incarnation) {
            return;
          }
          if (err == null) {
            // Acknowledged by this term's primary: the epoch it was primary of (read from the log
            // for a deduplicated retry; WriteRequests answers 503 when storage cannot say).
            long entryEpoch;
            try {
              entryEpoch =
                  acked.entryEpoch() > 0
                      ? acked.entryEpoch()
                      : disk.epochAt(acked.lsn()).orElse(0L);
            } catch (StorageException down) {
              answer.accept(refusal(rid, down));
              return;
            }
            answer.accept(
                new Messages.WriteReply(
                    rid, true, ctx.view().epoch(), null, 200, acked.lsn(), entryEpoch));
          } else {
            Throwable cause = err instanceof CompletionException c ? c.getCause() : err;
            // 404 refused; 409 not primary, 503 quorum or storage: no definite answer, retried.
            answer.accept(refusal(rid, cause));
          }
        });
  }

  private Messages.WriteReply refusal(String rid, Throwable e) {
    int status = e instanceof ShardException s ? s.status() : 503;
    trace("refused " + rid + ": " + status + " " + e.getMessage());
    return new Messages.WriteReply(rid, false, disk.epoch, e.getMessage(), status, -1, 0);
  }

  // --- /read of one key at each level, as ReadRequests.plan and run answer it ------------------

  private void onReadKey(String client, Messages.ReadKey r) {
    int status = readKeyStatus(r);
    Long value = status == 200 ? disk.values.get(r.key()) : null;
    if (status == 200 && r.level() == Messages.Level.PRIMARY) {
      afterReadIndex(
          ok ->
              network.send(
                  name,
                  client,
                  new Messages.ReadKeyReply(r.id(), ok ? 200 : 503, ok ? value : null)));
      return;
    }
    network.send(name, client, new Messages.ReadKeyReply(r.id(), status, value));
  }

  /**
   * The guards of {@code ReadRequests.plan}, the production {@link ReadGuards}: a configured
   * replica; for {@code primary} the primary holding its lease (rule 9); for a session, its entry
   * (without the production's wait of up to {@code min-lsn-wait} for {@code minLsn}: a replica
   * behind answers 409 at once, and the client asks the primary); {@code any}: nothing more.
   */
  private int readKeyStatus(Messages.ReadKey r) {
    if (!disk.configured || storageFaults.down()) {
      return 503;
    }
    return switch (r.level()) {
      case PRIMARY -> statusOf(guards::requireLease);
      case SESSION -> statusOf(() -> requireSession(r.minEpoch(), r.minLsn(), true));
      default -> 200;
    };
  }

  /** 200 when {@code guard} passes, else the status of the error it throws. */
  private static int statusOf(Runnable guard) {
    ShardException refused = refusalOf(guard);
    return refused == null ? 200 : refused.status();
  }

  /**
   * The error {@code guard} throws, or null when it passes (a storage error: the shard-server's
   * 503).
   */
  private static ShardException refusalOf(Runnable guard) {
    try {
      guard.run();
      return null;
    } catch (ShardException e) {
      return e;
    } catch (StorageException e) {
      return ShardException.unavailable(e.getMessage());
    }
  }

  /**
   * The session guards of {@code ReadRequests.planChecked}, in its order: the session's entry
   * ({@code minEpoch} &gt; 0), or {@code minLsn} alone (a token without an epoch: its entry left
   * the log), or, with no entry but {@code "consistency":"session"} ({@code marked}, as the
   * production router sends it since 2026-11-25), a replica in sync.
   */
  private void requireSession(long minEpoch, long minLsn, boolean marked) {
    if (minEpoch > 0 && minLsn >= 0) {
      guards.requireSessionEntry(minEpoch, minLsn);
    } else if (minLsn >= 0) {
      guards.requireApplied(minLsn);
    } else if (marked) {
      guards.requireInSyncForSession();
    }
  }

  // --- a move (docs/resharding.md): the shard-server's RangeController and the export ----------

  /** {@code GET /heartbeat} as {@code ShardController} answers it (a primary adds its quorum). */
  io.shardeddb.protocol.shard.Heartbeat heartbeat() {
    noteTermEnded();
    io.shardeddb.protocol.shard.Heartbeat h = roles.reported(ctx.heartbeat());
    return h.role() == Role.Primary ? h.withQuorum(reportedQuorum()) : h;
  }

  /** The production {@link ImportService} of this incarnation ({@code /import}). */
  ImportService imports() {
    return imports;
  }

  /**
   * {@code POST /ranges/fence|adopt|purge} as {@code RangeController.apply} does it, without the
   * wait: the change's future, completed once a write quorum holds its entry (or failed).
   */
  CompletableFuture<WriteCoordinator.Acked> rangeChange(
      io.shardeddb.protocol.shard.Operation op, io.shardeddb.protocol.shard.RangeChange change) {
    ctx.requireConfig();
    ctx.requirePrimary();
    return coordinator.enqueue(ClientChange.range(op, change.range(), change.moveId()));
  }

  /**
   * {@code POST /schema} as {@code SchemaController.change} does it, without the wait: the change's
   * future, completed once a write quorum holds its entry (or failed).
   */
  CompletableFuture<WriteCoordinator.Acked> schemaChange(
      io.shardeddb.protocol.shard.SchemaChange change) {
    ctx.requireConfig();
    ctx.requirePrimary();
    return coordinator.enqueue(ClientChange.schema(change));
  }

  /**
   * A client write of another table than the first ({@code /write} with {@code table}), as {@code
   * WriteRequests} prepares it, without the wait: the change's future, completed once a write
   * quorum holds its entry (or failed).
   */
  CompletableFuture<WriteCoordinator.Acked> tableWrite(String table, long key, String requestId) {
    return tableWrite(table, key, SimStorage.insertValue(key), requestId);
  }

  /**
   * As {@link #tableWrite(String, long, String)}, a row of key value {@code key} (a Long, or a
   * String for a String-keyed table) and value {@code value}.
   */
  CompletableFuture<WriteCoordinator.Acked> tableWrite(
      String table, Object key, long value, String requestId) {
    ctx.requireConfig();
    ctx.requirePrimary();
    return coordinator.enqueue(
        ClientChange.write(List.of(SimStorage.row(table, key, value)), requestId).ofTable(table));
  }

  /**
   * {@code PUT /update} of a row of another table than the first, by its whole key {@code key} (a
   * tuple for a composite key), as {@code ShardController.update} queues it, without the wait: its
   * value column set to {@code value}.
   */
  CompletableFuture<WriteCoordinator.Acked> tableUpdate(
      String table, Object key, long value, String requestId) {
    ShardConfig config = ctx.requireConfig();
    ctx.requirePrimary();
    io.shardeddb.protocol.schema.TableSchema schema = config.table(table);
    Object coerced = schema.coerceKey(key);
    Map<String, Object> values =
        schema.coercePartialRow(Map.of(SimStorage.valueColumn(table), value));
    return coordinator.enqueue(ClientChange.update(coerced, values, requestId).ofTable(table));
  }

  /**
   * {@code DELETE /del} of a row of another table than the first, by its whole key {@code key}, as
   * {@code ShardController.delete} queues it, without the wait.
   */
  CompletableFuture<WriteCoordinator.Acked> tableDelete(
      String table, Object key, String requestId) {
    ShardConfig config = ctx.requireConfig();
    ctx.requirePrimary();
    Object coerced = config.table(table).coerceKey(key);
    return coordinator.enqueue(ClientChange.delete(coerced, requestId).ofTable(table));
  }

  /**
   * {@code POST /txn} as a client's transaction reaches the primary: its steps (each naming its
   * table) queued as one change, committed as one Txn entry or refused whole.
   */
  CompletableFuture<WriteCoordinator.Acked> txnWrite(
      List<io.shardeddb.protocol.shard.TxnStep> steps, String requestId) {
    ctx.requireConfig();
    ctx.requirePrimary();
    return coordinator.enqueue(ClientChange.txn(steps, requestId));
  }

  /** This incarnation's epoch as the primary answering a range change. */
  long epoch() {
    return ctx.view().epoch();
  }

  /** Whether {@code incarnation} is still the running one (a crash or restart ends it). */
  int incarnation() {
    return incarnation;
  }

  /**
   * {@code GET /log?low=&size=&primary=&epoch=} (an export, rule 13), as {@code
   * ReplicationController.log}: only the named primary's entries up to its quorum-committed LSN,
   * filtered to the range; {@code fromLsn} 0 from the log's first held entry; 410 before it.
   */
  LogResponse serveRangeLog(
      String primary,
      long epoch,
      long fromLsn,
      io.shardeddb.protocol.topology.PointRange range,
      int limit)
      throws PeerRefusal {
    return counted(
        () ->
            answered(
                () ->
                    export.log(
                        fromLsn, null, limit, null, range.low(), range.size(), primary, epoch)));
  }

  /**
   * {@code GET /snapshot?low=&size=&primary=&epoch=}: the range's rows at the disk's position,
   * served by the named primary (identity as {@code /log}) only once its quorum holds that position
   * (rule 13; production waits up to its quorum timeout, here a 503 at once and the import
   * retries).
   */
  SnapshotStream serveRangeSnapshot(
      String primary, long epoch, io.shardeddb.protocol.topology.PointRange range)
      throws PeerRefusal {
    ShardConfig config =
        answered(
            () -> {
              export.requireIdentity(PrimaryIdentity.Pull.SNAPSHOT, primary, epoch);
              export.exportRange(range.low(), range.size());
              requireStorage();
              return ctx.requireConfig();
            });
    long lsn = disk.lastLsn();
    if (!export.exportable(lsn)) {
      throw answeredAs(export.notCommitted(lsn));
    }
    return disk.snapshot(range, config);
  }

  private static PeerRefusal answeredAs(ShardException e) {
    return new PeerRefusal(e.status(), e.getMessage(), e.epoch());
  }

  /**
   * A client change routed by a layout ({@code X-Shard-Owned}): 421 unless this shard owns exactly
   * what the router's layout says and the key, unless the request id is recorded here (a retry is
   * recognised before ownership, {@link Ownership#requireOwnedUnlessRetry}, rule 13); then {@code
   * /write} or {@code /update} as above.
   */
  private void onOwnedChange(String client, Messages.OwnedChange c) {
    ShardConfig config = ctx.config();
    if (config == null || !disk.configured) {
      network.send(
          name,
          client,
          new Messages.WriteReply(c.rid(), false, disk.epoch, "not configured", 503, -1, 0));
      return;
    }
    ShardException notOwned =
        refusalOf(
            () ->
                ownership.requireOwnedUnlessRetry(
                    config, header(c.expected()), c.rid(), List.of(c.key())));
    if (notOwned != null) {
      network.send(name, client, refusal(c.rid(), notOwned));
      return;
    }
    submit(client, c.rid(), change(config, c));
  }

  /** The change {@code ShardController} queues for {@code c}. */
  private static ClientChange change(ShardConfig config, Messages.OwnedChange c) {
    return switch (c.op()) {
      case INSERT -> ClientChange.write(List.of(SimStorage.row(c.key(), c.value())), c.rid());
      case UPDATE ->
          ClientChange.update(
              c.key(),
              config.schema().coercePartialRow(Map.of(SimStorage.VALUE, c.value())),
              c.rid());
      case DELETE -> ClientChange.delete(c.key(), c.rid());
    };
  }

  /** The {@code X-Shard-Owned} header the router sent with {@code expected} (null: none). */
  private static String header(List<io.shardeddb.protocol.topology.PointRange> expected) {
    return expected == null
        ? null
        : io.shardeddb.protocol.shard.ShardEndpoints.ownedHeader(expected);
  }

  /**
   * {@code POST /read} of one key as {@code ShardController.read} and {@code ReadRequests} answer
   * it: a configured replica whose ranges are the router's layout's when the request names them
   * (else 421), only rows it owns; at {@code primary}, the primary (else 409) holding its lease
   * (else 503, rule 9), its rows answered once the quorum-committed LSN reaches every entry they
   * may show (the read index, else 503); otherwise the session's entry held and the shard's session
   * floor reached (else 409, without the production's wait of up to {@code min-lsn-wait}).
   */
  private void onOwnedRead(String client, Messages.OwnedRead r) {
    ShardConfig config = ctx.config();
    if (config == null || !disk.configured) {
      network.send(
          name, client, new Messages.OwnedReadReply(r.id(), r.key(), 503, "not configured", null));
      return;
    }
    // ShardController.read: the layout first, then ReadRequests.planChecked's guards.
    ShardException refused =
        refusalOf(
            () -> {
              Ownership.requireExpected(config, header(r.expected()));
              requireStorage();
              if (r.primary()) {
                guards.requireLease();
              } else if (r.session()) {
                requireSession(r.minEpoch(), r.minLsn(), true);
                if (r.floor() != null) {
                  guards.requireFloor(r.floor());
                }
              }
            });
    if (refused != null) {
      network.send(
          name,
          client,
          new Messages.OwnedReadReply(
              r.id(), r.key(), refused.status(), refused.getMessage(), null));
      return;
    }
    // Rows the shard still stores but no longer owns (fenced, not yet purged) are never returned.
    Long value = config.owns(r.key()) ? disk.values.get(r.key()) : null;
    if (!r.primary()) {
      network.send(name, client, new Messages.OwnedReadReply(r.id(), r.key(), 200, null, value));
      return;
    }
    afterReadIndex(
        ok ->
            network.send(
                name,
                client,
                new Messages.OwnedReadReply(
                    r.id(), r.key(), ok ? 200 : 503, ok ? null : "read index not reached", value)));
  }

  /**
   * {@code POST /write/batch} as {@code BatchController.writeBatch} answers it: a layout the shard
   * does not have gets one 421 for the whole batch, unless an item is a retry of a change recorded
   * here (then each item is checked alone: a retry gets its original outcome, the others 421);
   * every other item is queued in the request's order, and the reply goes once each has its
   * outcome.
   */
  private void onOwnedBatch(String client, Messages.OwnedBatch b) {
    ShardConfig config = ctx.config();
    if (config == null || !disk.configured) {
      network.send(name, client, new Messages.BatchReply(b.id(), 503, "not configured", null));
      return;
    }
    String itemsExpect;
    try {
      itemsExpect =
          ownership.itemsExpectation(
              config,
              header(b.expected()),
              b.items().stream().map(Messages.OwnedChange::rid).toList());
    } catch (ShardException notOwned) {
      network.send(
          name,
          client,
          new Messages.BatchReply(b.id(), notOwned.status(), notOwned.getMessage(), null));
      return;
    } catch (StorageException down) {
      // The request ids could not be looked up: the StorageExceptionHandler's 503.
      network.send(name, client, new Messages.BatchReply(b.id(), 503, down.getMessage(), null));
      return;
    }
    int n = b.items().size();
    Messages.WriteReply[] results = new Messages.WriteReply[n];
    int[] left = {n};
    int inc = incarnation;
    for (int i = 0; i < n; i++) {
      Messages.OwnedChange c = b.items().get(i);
      int at = i;
      java.util.function.Consumer<Messages.WriteReply> answer =
          reply -> {
            if (inc != incarnation || results[at] != null) {
              return;
            }
            results[at] = reply;
            if (--left[0] == 0) {
              network.send(
                  name, client, new Messages.BatchReply(b.id(), 200, null, List.of(results)));
            }
          };
      // WriteRequests.prepare: each item's keys, against the layout only when a retry is among
      // them.
      ShardException notOwned =
          refusalOf(
              () ->
                  ownership.requireOwnedUnlessRetry(
                      config, itemsExpect, c.rid(), List.of(c.key())));
      if (notOwned != null) {
        answer.accept(refusal(c.rid(), notOwned));
        continue;
      }
      submit(c.rid(), change(config, c), answer);
    }
  }

  /** {@code ReadRequests.epochAt}: the epoch of the entry at {@code lsn} here, if held. */
  private void trace(String what) {
    if (ShardSimulation.TRACE) {
      System.err.println("t=" + scheduler.now() + " " + name + ": " + what);
    }
  }
}
