package io.shardeddb.shardserver.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.RowTimestamps;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.identity.CallerIdentities;
import io.shardeddb.shardserver.identity.Decision;
import io.shardeddb.shardserver.replication.LogExport;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.RoleService;
import io.shardeddb.shardserver.replication.SecondaryMeters;
import io.shardeddb.shardserver.replication.SecondarySync;
import io.shardeddb.shardserver.replication.SnapshotHeader;
import io.shardeddb.shardserver.replication.rules.PrimaryIdentity;
import io.shardeddb.shardserver.storage.RequestOutcome;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import io.shardeddb.shardserver.storage.Snapshot;
import io.shardeddb.shardserver.storage.UserTable;
import io.shardeddb.shardserver.trace.ShardTracing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Replication between the replicas of one shard, driven by the primary and the operator. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReplicationController {
  private static final int SNAPSHOT_CHUNK_ROWS = 256;

  private final ReplicaContext ctx;
  private final RoleService roles;
  private final SecondarySync sync;
  private final ShardStore store;
  private final ReplicationSettings settings;
  private final JsonMapper json;
  private final LogExport export;
  private final SecondaryMeters applyMeters;
  private final CallerIdentities identities;
  private final ShardTracing tracing;

  public ReplicationController(
      ReplicaContext ctx,
      RoleService roles,
      SecondarySync sync,
      ShardStore store,
      ReplicationSettings settings,
      JsonMapper json,
      LogExport export,
      MeterRegistry registry,
      CallerIdentities identities,
      ShardTracing tracing) {
    this.tracing = tracing;
    this.identities = identities;
    this.export = export;
    this.applyMeters = new SecondaryMeters(registry);
    this.ctx = ctx;
    this.roles = roles;
    this.sync = sync;
    this.store = store;
    this.settings = settings;
    this.json = json;
  }

  @Post("/role")
  public MessageResponse role(@Body RoleRequest request) {
    return roles.assign(request);
  }

  /** The first phase of a failover (rule 2); see {@link RoleService#fence}. */
  @Post("/fence")
  public FenceResponse fence(@Body FenceRequest request) {
    return roles.fence(request);
  }

  /**
   * Entries from the primary. With TLS on, only from the pod the request names as {@code primary}
   * (the caller's certificate; {@link CallerIdentities#sender}): 403 otherwise.
   */
  @Post("/replicate")
  public ReplicateResponse replicate(HttpRequest<?> http, @Body ReplicateRequest request) {
    Certificate[] chain = http.getCertificate().map(c -> new Certificate[] {c}).orElse(null);
    if (identities.sender(chain, request.primary()) instanceof Decision.Refused refused) {
      throw new ShardException(403, refused.reason());
    }
    return tracing.apply(request, () -> applyMeters.timed(() -> sync.onReplicate(request)));
  }

  /**
   * Entries from {@code fromLsn} on. {@code prevEpoch} is the caller's epoch at {@code fromLsn-1}:
   * 409 when that entry differs here (diverged), 410 when it is no longer held (re-copy). An export
   * ({@code low} and {@code size}: a move's import) gets only entries a quorum holds (rule 13), and
   * {@code fromLsn=0} asks it from the first entry the log still holds.
   */
  @Get("/log")
  public LogResponse log(
      @QueryValue long fromLsn,
      @QueryValue @Nullable Long prevEpoch,
      @QueryValue @Nullable Integer limit,
      @QueryValue @Nullable String replica,
      @QueryValue @Nullable Long low,
      @QueryValue @Nullable Long size,
      @QueryValue @Nullable String primary,
      @QueryValue @Nullable Long epoch) {
    return export.log(fromLsn, prevEpoch, limit, replica, low, size, primary, epoch);
  }

  /**
   * NDJSON: a {@link SnapshotHeader} line, then one row per line, then one request outcome per line
   * (rule 8), all read in one consistent snapshot transaction and streamed in chunks (never the
   * whole shard in memory). A re-copying secondary names the primary it follows and its epoch
   * ({@code primary}, {@code epoch}): any other server answers 421, as {@code /log} does. With
   * {@code timestamps=true} each row carries its global timestamp ({@link RowTimestamps#FIELD}), so
   * the copy stores the same ones; without it (an older reader, which would refuse the field) none.
   */
  @Get(value = "/snapshot", produces = "application/x-ndjson")
  public Flux<byte[]> snapshot(
      @QueryValue @Nullable Long low,
      @QueryValue @Nullable Long size,
      @QueryValue @Nullable String primary,
      @QueryValue @Nullable Long epoch,
      @QueryValue @Nullable Boolean timestamps) {
    boolean stamped = Boolean.TRUE.equals(timestamps);
    export.requireIdentity(PrimaryIdentity.Pull.SNAPSHOT, primary, epoch);
    UserTable table = ctx.requireTable();
    ShardConfig config = ctx.requireConfig();
    PointRange exported = export.exportRange(low, size);
    return Flux.using(
            () -> openExport(table, config, exported),
            snap ->
                Flux.concat(
                    Mono.fromCallable(
                        () ->
                            line(
                                new SnapshotHeader(
                                    snap.lsn(),
                                    snap.epoch(),
                                    snap.rowCount(),
                                    configAt(snap, config),
                                    snap.requestIdCount(),
                                    snap.commitMillis(),
                                    snap.timestamp()))),
                    Flux.<byte[]>generate(
                        sink -> {
                          List<Map<String, Object>> rows = snap.next(SNAPSHOT_CHUNK_ROWS);
                          if (rows.isEmpty()) {
                            sink.complete();
                          } else {
                            sink.next(lines(table, rows, stamped));
                          }
                        }),
                    Flux.<byte[]>generate(
                        sink -> {
                          List<RequestOutcome> ids = snap.nextOutcomes(SNAPSHOT_CHUNK_ROWS);
                          if (ids.isEmpty()) {
                            sink.complete();
                          } else {
                            sink.next(outcomeLines(ids));
                          }
                        })),
            Snapshot::close)
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * A snapshot for {@code /snapshot}: of the whole shard (a re-copy: any LSN, the secondary then
   * follows the log), or of an exported range only once a quorum holds its LSN (rule 13), waiting
   * up to the quorum timeout for that, else 503: an import never copies an unacknowledged tail.
   */
  private Snapshot openExport(UserTable table, ShardConfig config, PointRange exported) {
    Snapshot snap = store.openSnapshot(table, config.pointsBy(), exported);
    if (exported == null) {
      return snap;
    }
    long deadline = System.nanoTime() + settings.quorumTimeout().toNanos();
    try {
      while (!export.exportable(snap.lsn())) {
        if (System.nanoTime() >= deadline) {
          throw export.notCommitted(snap.lsn());
        }
        Thread.sleep(5);
      }
      return snap;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      snap.close();
      throw ShardException.unavailable("interrupted while waiting for the snapshot's quorum");
    } catch (RuntimeException e) {
      snap.close();
      throw e;
    }
  }

  /** The config as of the snapshot's LSN (what the shard owned then), else {@code current}. */
  private ShardConfig configAt(Snapshot snap, ShardConfig current) throws IOException {
    return snap.configJson() == null
        ? current
        : json.readValue(snap.configJson(), ShardConfig.class);
  }

  @Post("/resync")
  public MessageResponse resync() {
    ReplicaContext.View v = ctx.view();
    if (v.role() != Role.Secondary || v.primary() == null) {
      throw ShardException.conflict(
          ctx.name() + " is not a secondary (role " + v.role() + "); nothing to re-copy from");
    }
    sync.resync();
    return MessageResponse.success(
        "re-copy of " + ctx.name() + " from " + v.primary().name() + " started");
  }

  /** A SHA-256 over every row in key order, with the count, at one consistent LSN. */
  @Get("/checksum")
  public ChecksumResponse checksum() {
    UserTable table = ctx.requireTable();
    ShardConfig config = ctx.requireConfig();
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
      return new ChecksumResponse(
          config.shardId(), n, HexFormat.of().formatHex(md.digest()), snap.lsn());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private byte[] line(Object value) throws IOException {
    byte[] body = json.writeValueAsBytes(value);
    byte[] out = new byte[body.length + 1];
    System.arraycopy(body, 0, out, 0, body.length);
    out[body.length] = '\n';
    return out;
  }

  private byte[] outcomeLines(List<RequestOutcome> outcomes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(outcomes.size() * 64);
      for (RequestOutcome o : outcomes) {
        out.write(line(o));
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] lines(UserTable table, List<Map<String, Object>> rows, boolean stamped) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 64);
      for (Map<String, Object> row : rows) {
        out.write(line(table.toWire(stamped ? row : RowTimestamps.without(row))));
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
