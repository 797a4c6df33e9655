package io.shardeddb.operator.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.CopyProgress;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.QuorumState;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded fake of one shard-server replica: a real HTTP server on 127.0.0.1 that follows the
 * shard-server contract for /heartbeat, /config, /fence (persists the epoch, steps down, answers
 * its log position; 409 on a lower epoch), /role (409 on a lower epoch or on a second, different
 * primary for the same epoch), /resync, /checksum and /backup/status (as {@link #archive} sets it;
 * 404 until then), keeps per-replica state the test can set, and records every call. It can also
 * play a replica cut off from the operator, and a secondary that keeps receiving entries from a
 * still-alive old primary until it is fenced.
 */
public final class FakeShardServer implements AutoCloseable {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String name;
  private final List<String> calls = new ArrayList<>();
  private HttpServer server;
  private String shard;
  private Role role = Role.None;
  // Volatile, read without this object's lock: a replica answering a heartbeat under its own lock
  // reads its import source's (importProgress), and two replicas importing from each other (a
  // swap of two ranges) deadlocked when each did so at once (seen 2026-11-28).
  private volatile long epoch;
  private volatile long appliedLsn;
  private long lastEntryEpoch;
  private ReplicaState state = ReplicaState.Unconfigured;
  private String primary;
  private long rows;
  private String digest = "empty";
  private RoleRequest lastRole;
  private ShardConfigRequest lastConfig;
  private String votedPrimary;
  private boolean unreachable;
  private long unseenEntries;
  private final List<Long> fencedAt = new ArrayList<>();
  private List<PointRange> owned = List.of();
  private final java.util.Map<String, RangeChangeResponse> rangeChanges = new java.util.HashMap<>();
  private ImportRequest importing;
  private ImportState importState;
  private final FakeShardServer[] importSource = new FakeShardServer[1];

  /** A replica named like its pod, listening on an ephemeral port. */
  private final List<String> authorizations = new java.util.ArrayList<>();

  public FakeShardServer(String name) {
    this.name = name;
    start();
  }

  private void start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** The port it listens on. */
  public synchronized int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops answering (connections are refused), as a killed process would. Not synchronized, as
   * {@link #close}.
   */
  public void kill() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    int status = 200;
    Object reply;
    synchronized (this) {
      if (unreachable) {
        // Cut off: the connection drops without an answer, as through a partition.
        ex.close();
        return;
      }
      calls.add(ex.getRequestMethod() + " " + path);
      authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      switch (path) {
        case "/heartbeat" -> reply = heartbeat();
        case "/fence" -> {
          FenceRequest f = JSON.readValue(body, FenceRequest.class);
          if (f.epoch() < epoch) {
            status = 409;
            reply = java.util.Map.of("message", "stale epoch", "status", "failure");
          } else {
            if (f.epoch() > epoch) {
              // A vote is per epoch: the new one has no primary yet.
              votedPrimary = null;
            }
            epoch = f.epoch();
            fencedAt.add(f.epoch());
            // Fenced: nothing more arrives from the old primary, and the answer is the real log.
            unseenEntries = 0;
            if (role == Role.Primary) {
              role = Role.Secondary;
            }
            if (state != ReplicaState.Copying && state != ReplicaState.Unconfigured) {
              state = ReplicaState.Fenced;
            }
            reply = new FenceResponse(name, epoch, lastEntryEpoch, appliedLsn, state);
          }
        }
        case "/config" -> {
          lastConfig = JSON.readValue(body, ShardConfigRequest.class);
          shard = lastConfig.shards().get(0);
          if (state == ReplicaState.Unconfigured) {
            owned =
                lastConfig.ranges() != null
                    ? lastConfig.ranges()
                    : lastConfig.low() == null
                        ? List.of()
                        : List.of(new PointRange(lastConfig.low(), lastConfig.size()));
          }
          if (state == ReplicaState.Unconfigured) {
            state = ReplicaState.AwaitingRole;
          }
          reply = java.util.Map.of("message", "configured", "status", "success");
        }
        case "/role" -> {
          RoleRequest r = JSON.readValue(body, RoleRequest.class);
          if (r.epoch() < epoch) {
            status = 409;
            reply = java.util.Map.of("message", "stale epoch", "status", "failure");
          } else if (r.epoch() == epoch
              && epoch > 0
              && votedPrimary != null
              && !votedPrimary.equals(r.primary().name())) {
            status = 409;
            reply =
                java.util.Map.of(
                    "message",
                    "epoch " + epoch + " already has primary " + votedPrimary,
                    "status",
                    "failure");
          } else {
            lastRole = r;
            votedPrimary = r.primary().name();
            epoch = r.epoch();
            role = r.role();
            primary = r.primary().name();
            if (state != ReplicaState.Copying) {
              state = ReplicaState.Ready;
            }
            reply = java.util.Map.of("message", "role set", "status", "success");
          }
        }
        case "/resync" -> {
          state = ReplicaState.Copying;
          appliedLsn = 0;
          rows = 0;
          reply = java.util.Map.of("message", "resync started", "status", "success");
        }
        case "/checksum" -> reply = new ChecksumResponse(shard, rows, digest, appliedLsn);
        case "/backup/status" -> {
          if (archiveStatus == null) {
            status = 404;
            reply = java.util.Map.of("message", "backups are not configured", "status", "failure");
          } else {
            reply = archiveStatus;
          }
        }
        case ShardEndpoints.FENCE_RANGE, ShardEndpoints.ADOPT_RANGE, ShardEndpoints.PURGE_RANGE -> {
          RangeChange change = JSON.readValue(body, RangeChange.class);
          RangeChangeResponse first = rangeChanges.get(change.moveId());
          if (first == null) {
            long removed = 0;
            if (path.equals(ShardEndpoints.FENCE_RANGE)) {
              owned = PointRange.minus(owned, change.range());
            } else if (path.equals(ShardEndpoints.ADOPT_RANGE)) {
              owned = PointRange.plus(owned, change.range());
            } else {
              // The fake keeps no keys: a shard left owning nothing is purged of every row.
              removed = owned.isEmpty() ? rows : 0;
              rows -= removed;
            }
            // Each range change is one entry of the shard's log.
            appliedLsn++;
            first = new RangeChangeResponse(epoch, appliedLsn, owned, removed);
            rangeChanges.put(change.moveId(), first);
          }
          reply = first;
        }
        case ShardEndpoints.IMPORT -> {
          switch (ex.getRequestMethod()) {
            case "POST" -> {
              ImportRequest request = JSON.readValue(body, ImportRequest.class);
              if (!request.equals(importing) || importState == ImportState.Stopped) {
                importing = request;
                importState = ImportState.Copying;
              }
              reply = java.util.Map.of("message", "importing", "status", "success");
            }
            case "DELETE" -> {
              importState = ImportState.Stopped;
              reply = java.util.Map.of("message", "stopped", "status", "success");
            }
            default -> {
              if (importing == null) {
                status = 404;
                reply = java.util.Map.of("message", "no import", "status", "failure");
              } else {
                reply = importProgress();
              }
            }
          }
        }
        default -> {
          status = 404;
          reply = java.util.Map.of("message", "no " + path, "status", "failure");
        }
      }
    }
    byte[] bytes = JSON.writeValueAsBytes(reply);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Heartbeat heartbeat() {
    CopyProgress copy = state == ReplicaState.Copying ? new CopyProgress(40, 100, 7) : null;
    return Heartbeat.builder(name, shard)
        .role(role)
        .epoch(epoch)
        .appliedLsn(appliedLsn - unseenEntries)
        .lastEntryEpoch(lastEntryEpoch)
        .primary(primary)
        .lagLsn(0)
        .state(state)
        .copy(copy)
        .owned(owned)
        .importing(importing == null ? null : importProgress())
        .quorum(role == Role.Primary && lastRole != null ? quorum(lastRole) : null)
        .build();
  }

  /**
   * As a real primary reports its quorum once its term's first entry is on it: counted over the
   * role request's replicas, replicating to its peers.
   */
  private QuorumState quorum(RoleRequest r) {
    return new QuorumState(
        r.replicas(),
        r.peers().stream().map(p -> p.name()).filter(n -> !n.equals(name)).toList(),
        termCommitted,
        0,
        r.learners().stream().map(p -> p.name()).toList(),
        termCommitted ? appliedLsn : -1);
  }

  private volatile boolean termCommitted = true;

  /** Whether, as a primary, it reports its term's first entry on a majority of its quorum. */
  public FakeShardServer termCommitted(boolean committed) {
    this.termCommitted = committed;
    return this;
  }

  /**
   * The import's progress: the first look finds the snapshot copied, later ones find it applying
   * the source's log, caught up with the source replica set by {@link #importsFrom}.
   */
  private ImportProgress importProgress() {
    long sourceEpoch;
    long sourceLsn;
    synchronized (importSource) {
      sourceEpoch = importSource[0] == null ? 0 : importSource[0].epoch();
      sourceLsn = importSource[0] == null ? 0 : importSource[0].appliedLsn();
    }
    if (importState == ImportState.Copying) {
      importState = ImportState.CatchingUp;
      return new ImportProgress(importing.moveId(), ImportState.Copying, 10, sourceEpoch, 0, null);
    }
    return new ImportProgress(importing.moveId(), importState, 10, sourceEpoch, sourceLsn, null);
  }

  // What GET /backup/status answers (null: 404, as a server without backups).
  private java.util.Map<String, Object> archiveStatus;

  /**
   * Makes {@code GET /backup/status} answer as a shard-server's archiver: enabled, {@code
   * archiving} (the unfenced primary's), its log archived through {@code archivedLsn} of {@code
   * committedLsn}; {@code lastError} (null: none) as a failing store's.
   */
  public synchronized FakeShardServer archive(
      boolean archiving, long archivedLsn, long committedLsn, String lastError) {
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("enabled", true);
    s.put("shard", shard);
    s.put("archiving", archiving);
    s.put("archivedLsn", archivedLsn);
    s.put("committedLsn", committedLsn);
    // As the archiver reports it: 0 once a pass ended caught up.
    s.put("lagMillis", archivedLsn >= committedLsn ? 0 : 5_000);
    s.put("stalled", lastError != null);
    s.put("lastError", lastError);
    archiveStatus = s;
    return this;
  }

  /** Makes imports on this replica follow {@code source}'s log (a source shard's primary). */
  public FakeShardServer importsFrom(FakeShardServer source) {
    synchronized (importSource) {
      importSource[0] = source;
    }
    return this;
  }

  /** The point ranges it owns (from /config, then range changes). */
  public synchronized List<PointRange> owned() {
    return owned;
  }

  /** The answer this replica gave to the range change {@code moveId} (null: none). */
  public synchronized RangeChangeResponse rangeChange(String moveId) {
    return rangeChanges.get(moveId);
  }

  /** Pretends the replica holds data up to {@code lsn}, written in {@code entryEpoch}. */
  public synchronized FakeShardServer holding(long lsn, long entryEpoch, long rowCount) {
    this.appliedLsn = lsn;
    this.lastEntryEpoch = entryEpoch;
    this.rows = rowCount;
    this.digest = "d" + lsn + "-" + rowCount;
    return this;
  }

  /** Stops answering the operator (connections drop), though the process still runs. */
  public synchronized void cutOffFromOperator() {
    unreachable = true;
  }

  /**
   * Plays a secondary that a still-alive old primary keeps replicating to and acknowledging with:
   * its log holds {@code entries} more entries (of its current last entry epoch) than any heartbeat
   * shows, because every heartbeat was sampled before they arrived. Only an answer read after
   * fencing (which stops the stream) tells the truth.
   */
  public synchronized FakeShardServer acknowledgingUnseen(int entries) {
    appliedLsn += entries;
    rows += entries;
    digest = "d" + appliedLsn + "-" + rows;
    unseenEntries = entries;
    return this;
  }

  /** The epochs it was fenced at. */
  public synchronized List<Long> fencedAt() {
    return List.copyOf(fencedAt);
  }

  /** Its applied LSN. */
  public long appliedLsn() {
    return appliedLsn;
  }

  /** Pretends the replica lost its volume and restarted empty. */
  public synchronized void wipe() {
    role = Role.None;
    votedPrimary = null;
    epoch = 0;
    appliedLsn = 0;
    lastEntryEpoch = 0;
    rows = 0;
    digest = "empty";
    state = ReplicaState.Unconfigured;
  }

  /** Finishes a copy: the replica now equals {@code source}. */
  public synchronized void finishCopyFrom(FakeShardServer source) {
    synchronized (source) {
      appliedLsn = source.appliedLsn;
      lastEntryEpoch = source.lastEntryEpoch;
      rows = source.rows;
      digest = source.digest;
    }
    state = ReplicaState.Ready;
  }

  /** The calls received, like {@code "POST /role"}. */
  /** The Authorization header of every call so far ("null" when absent), in order. */
  public synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** The last /role request. */
  public synchronized RoleRequest lastRole() {
    return lastRole;
  }

  /** The last /config request. */
  public synchronized ShardConfigRequest lastConfig() {
    return lastConfig;
  }

  /** Its current epoch. */
  public long epoch() {
    return epoch;
  }

  /** Its current role. */
  public synchronized Role role() {
    return role;
  }

  /** Its current state. */
  public synchronized ReplicaState state() {
    return state;
  }

  /** Its name. */
  public String name() {
    return name;
  }

  /**
   * Stops the server. Not synchronized: {@code stop} waits for the dispatcher thread, which may be
   * in {@link #handle} waiting for this object's lock (a deadlock seen in CI on 2026-11-25).
   */
  @Override
  public void close() {
    server.stop(0);
  }
}
