package io.shardeddb.operator.shardclient;

import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.SchemaChange;
import io.shardeddb.protocol.shard.SchemaChangeResponse;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.WritePause;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;

/**
 * The operator's calls to one shard-server (base URL {@code https://<podIP>:8081}, {@code http://}
 * with TLS off). Every call is short and fails with {@link ShardServerException} instead of
 * blocking the reconciler.
 */
public interface ShardServerClient {

  /** {@code GET /heartbeat}, with the round-trip latency. */
  TimedHeartbeat heartbeat(String baseUrl);

  /**
   * {@code GET /heartbeat?appliedLsn=&waitMillis=}, a long-poll: the replica answers once it has
   * applied {@code appliedLsn}, or when {@code wait} has passed, whichever is first. A server that
   * does not wait (older, or a fake) answers at once, as this default does.
   */
  default TimedHeartbeat heartbeat(String baseUrl, long appliedLsn, Duration wait) {
    return heartbeat(baseUrl);
  }

  /** {@code POST /config}: the schema, the shard id and its key range. */
  void configure(String baseUrl, ShardConfigRequest request);

  /**
   * {@code POST /fence}: the replica persists {@code epoch}, steps down if primary and answers how
   * far its log goes; 409 when it has seen a higher epoch.
   */
  TimedFence fence(String baseUrl, FenceRequest request);

  /** {@code POST /role}; a replica that has seen a higher epoch refuses with 409. */
  void assignRole(String baseUrl, RoleRequest request);

  /** {@code POST /resync}: drop local data and re-copy from the current primary. */
  void resync(String baseUrl);

  /** {@code GET /checksum}: row count and digest at the applied LSN. */
  ChecksumResponse checksum(String baseUrl);

  /**
   * {@code POST /ranges/fence} on a shard's primary: it stops serving {@code change.range()}
   * (answers 421) once a write quorum holds the fence entry; the answer's {@code (epoch, lsn)}
   * bounds every change the shard made to the range. Repeating the same {@code moveId} appends a
   * new entry, answered with its own position. Gives up after {@code deadline} ({@link
   * ShardServerException} with status 0: no answer, so whether the fence took effect is unknown).
   */
  default RangeChangeResponse fenceRange(String baseUrl, RangeChange change, Duration deadline) {
    throw unsupported("fenceRange");
  }

  /**
   * {@code POST /ranges/adopt} on a shard's primary: it owns the range from then on. Gives up after
   * {@code deadline}, as {@link #fenceRange} does.
   */
  default RangeChangeResponse adoptRange(String baseUrl, RangeChange change, Duration deadline) {
    throw unsupported("adoptRange");
  }

  /** {@code POST /ranges/purge} on a shard's primary: it deletes the rows of a range it lost. */
  default RangeChangeResponse purgeRange(String baseUrl, RangeChange change) {
    throw unsupported("purgeRange");
  }

  /**
   * {@code POST /ranges/export} on the source's primary: the destination shard's pods may read the
   * moved range (their import). Best effort: a server that does not know the call, or a fake,
   * ignores it (this default), and the import's reads are refused there until it is granted.
   */
  default void grantExport(String baseUrl, ExportGrant grant) {}

  /** {@code POST /import} on the destination's primary: copy a range from the source. */
  default void startImport(String baseUrl, ImportRequest request) {
    throw unsupported("startImport");
  }

  /**
   * {@code GET /import?moveId=} on the destination's primary: the import's progress, or null when
   * it runs no import of that move (e.g. a new primary after a failover).
   */
  default ImportProgress importProgress(String baseUrl, String moveId) {
    throw unsupported("importProgress");
  }

  /**
   * {@code POST /schema} on a shard's primary: the schema change as a log entry, answered once its
   * write quorum holds it (docs/sql.md, "Changing the schema").
   */
  default SchemaChangeResponse changeSchema(String baseUrl, SchemaChange change) {
    throw unsupported("changeSchema");
  }

  /**
   * {@code GET /schema}: the schema a replica's table is at and its version (after a restore's
   * replay: the target's).
   */
  default SchemaChange schema(String baseUrl) {
    throw unsupported("schema");
  }

  /** {@code DELETE /import?moveId=}: stop applying the source's log (after adopt, or abort). */
  default void stopImport(String baseUrl, String moveId) {
    throw unsupported("stopImport");
  }

  /**
   * {@code POST /backup/pause} on a shard's primary: it stops committing for at most the request's
   * lease and answers the quorum-held cut; 409 unless it is the primary of the request's epoch and
   * holds its lease. Gives up after {@code deadline} (status 0: whether it paused is unknown).
   */
  default WritePause.Cut pauseWrites(
      String baseUrl, WritePause.Request request, Duration deadline) {
    throw unsupported("pauseWrites");
  }

  /**
   * {@code POST /backup/resume}: the pause {@code id} ends; the answer says whether it still held
   * (a pause of which the server knows nothing answers {@code Lapsed}). Gives up after {@code
   * deadline}.
   */
  default WritePause.Resumed resumeWrites(String baseUrl, String id, Duration deadline) {
    throw unsupported("resumeWrites");
  }

  /**
   * {@code POST path} with a JSON body, the answer's JSON text: the backup calls ({@code
   * /backup/base}, {@code /backup/archive}), whose answers the backup reconciler reads itself.
   */
  default String postJson(String baseUrl, String path, Object body) {
    throw unsupported("postJson");
  }

  /** {@code GET path}, the answer's JSON text (see {@link #postJson}). */
  default String getJson(String baseUrl, String path) {
    throw unsupported("getJson");
  }

  private static ShardServerException unsupported(String call) {
    return new ShardServerException(call + " is not supported by this client", 0, null);
  }

  /**
   * From now on, calls to {@code baseUrls} carry {@code token} (the database's shard credential;
   * null: none), and calls to the other URLs this database had before carry none. The reconciler
   * calls it every pass with the pods it sees, so a rotated Secret or a reused pod IP is picked up
   * at the next pass. Clients that do not authenticate ignore it.
   */
  default void useCredential(String database, Collection<String> baseUrls, String token) {}

  /**
   * From now on, HTTPS calls to {@code baseUrls} use {@code tls} (the operator's identity for that
   * database and its CA; null: the database's TLS is off). Called every pass, like {@link
   * #useCredential}; clients without TLS ignore it.
   */
  default void useTls(String database, Collection<String> baseUrls, SSLContext tls) {}
}
