package io.shardeddb.operator.reshard;

import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportState;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two shard primaries, a source ({@link #SOURCE_URL}) and a destination ({@link #DEST_URL}), that
 * keep logs as the resharding protocol describes: owned ranges change only through range entries
 * (idempotent per id), writes outside the owned ranges are refused (421), and the destination's
 * import copies a snapshot of the range and then applies the source's log filtered to it. Every
 * call is logged, and no point is ever owned by both (checked on each range change).
 */
final class TwoShardFake implements ShardServerClient {

  static final String SOURCE_URL = "http://source";
  static final String DEST_URL = "http://dest";

  /** One shard primary: its log position, owned ranges and rows (key → value). */
  static final class Primary {
    final String name;
    long epoch = 1;
    long lsn;
    List<PointRange> owned;

    /** Whether this primary's term is confirmed (its no-op on a quorum), as its heartbeat says. */
    boolean termCommitted = true;

    final TreeMap<Long, String> rows = new TreeMap<>();
    final Map<String, RangeChangeResponse> changes = new HashMap<>();

    /** The source's log: (lsn, key, value or null for a delete). */
    final List<Object[]> log = new ArrayList<>();

    Primary(String name, List<PointRange> owned) {
      this.name = name;
      this.owned = owned;
    }
  }

  final Primary source;
  final Primary dest;
  final List<String> calls = new ArrayList<>();

  /** Every call of the client (reads included). */
  int requests;

  /** Whether the destination's import pulls the source's log (false: it falls behind). */
  boolean pulls = true;

  /** Whether the destination primary answers at all. */
  boolean destReachable = true;

  /**
   * Whether the destination's secondaries are paused: an adopt then commits on its primary alone
   * (its heartbeat reports the range owned) and is answered 503, as no quorum holds it.
   */
  boolean destAdoptUnacknowledged;

  /** Whether an adopt on the destination was answered 200 (a quorum holds it). */
  boolean destAdoptAcknowledged;

  /** The destination's last answer to an adopt (null: none). */
  RangeChangeResponse destAdoptAnswer;

  private ImportRequest importing;
  private ImportState importState;
  private long importedLsn;
  private long rowsCopied;

  TwoShardFake(PointRange sourceOwns) {
    source = new Primary("source", List.of(sourceOwns));
    dest = new Primary("dest", List.of());
  }

  /** A client write of {@code key} on the source; false when refused (421: not owned). */
  synchronized boolean writeToSource(long key, String value) {
    if (!PointRange.anyContains(source.owned, key)) {
      return false;
    }
    source.lsn++;
    source.rows.put(key, value);
    source.log.add(new Object[] {source.lsn, key, value});
    return true;
  }

  /** A client write of {@code key} on the destination; false when refused (421: not owned). */
  synchronized boolean writeToDest(long key, String value) {
    if (!PointRange.anyContains(dest.owned, key)) {
      return false;
    }
    dest.lsn++;
    dest.rows.put(key, value);
    return true;
  }

  /**
   * What a read (heartbeat, import progress) to a primary that does not answer costs the caller:
   * the operator's request timeout ({@code HttpShardServerClient.withDefaultTimeouts()}).
   */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

  /** What a purge to a primary that does not answer costs: the HTTP client's range timeout. */
  static final Duration RANGE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The operator's clock (ns), when a test wants calls to a hung primary to cost their timeout in
   * it; null: such calls fail at once.
   */
  AtomicLong clock;

  /** Whether the source's / destination's primary is frozen (SIGSTOP): calls hang, then fail. */
  boolean sourceHung;

  boolean destHung;

  /** Whether the destination's primary freezes as the next adopt reaches it (before answering). */
  boolean destFreezesAtTheAdopt;

  /** Whether the source's primary freezes as the next fence reaches it (before answering). */
  boolean sourceFreezesAtTheFence;

  private Primary at(String url) {
    return at(url, READ_TIMEOUT);
  }

  /** The primary at {@code url}; a hung one costs the caller {@code timeout}, then fails. */
  private Primary at(String url, Duration timeout) {
    requests++;
    if (url.equals(SOURCE_URL)) {
      if (sourceHung) {
        throw hung(url, timeout);
      }
      return source;
    }
    if (url.equals(DEST_URL)) {
      if (destHung) {
        throw hung(url, timeout);
      }
      if (!destReachable) {
        throw new ShardServerException(url + " unreachable", 0, null);
      }
      return dest;
    }
    throw new ShardServerException("unknown " + url, 0, null);
  }

  private ShardServerException hung(String url, Duration timeout) {
    if (clock != null) {
      clock.addAndGet(timeout.toNanos());
    }
    return new ShardServerException(url + " timed out after " + timeout, 0, null);
  }

  @Override
  public synchronized TimedHeartbeat heartbeat(String baseUrl) {
    Primary p = at(baseUrl);
    ImportProgress progress = p == dest && importing != null ? progress() : null;
    return new TimedHeartbeat(
        Heartbeat.builder(p.name, p.name)
            .role(Role.Primary)
            .epoch(p.epoch)
            .appliedLsn(p.lsn)
            .lastEntryEpoch(p.epoch)
            .primary(p.name)
            .lagLsn(0)
            .state(ReplicaState.Ready)
            .primaryUrl(baseUrl)
            .owned(p.owned)
            .importing(progress)
            .build()
            .withQuorum(
                new io.shardeddb.protocol.shard.QuorumState(3, List.of(), p.termCommitted, 0)),
        Duration.ofMillis(1));
  }

  @Override
  public synchronized RangeChangeResponse fenceRange(
      String baseUrl, RangeChange change, Duration deadline) {
    RangeChangeResponse r =
        change(baseUrl, "fence", change, p -> PointRange.minus(p.owned, change.range()), deadline);
    if (destFailsOverAtTheFence) {
      // The destination's primary fails over right after the fence; its replica runs no import.
      destFailsOverAtTheFence = false;
      destFailsOverWithoutTheAdopt();
    }
    if (destFreezesAtTheFence) {
      // The destination's primary stops answering right after the fence (SIGSTOP).
      destFreezesAtTheFence = false;
      destReachable = false;
    }
    return r;
  }

  /** Whether the destination's primary stops answering right after the next fence. */
  boolean destFreezesAtTheFence;

  /** Whether the destination fails over (losing its import) right after the next fence. */
  boolean destFailsOverAtTheFence;

  @Override
  public synchronized RangeChangeResponse adoptRange(
      String baseUrl, RangeChange change, Duration deadline) {
    return change(
        baseUrl, "adopt", change, p -> PointRange.plus(p.owned, change.range()), deadline);
  }

  @Override
  public synchronized RangeChangeResponse purgeRange(String baseUrl, RangeChange change) {
    Primary p = at(baseUrl, RANGE_TIMEOUT);
    calls.add(p.name + " purge " + change.moveId());
    RangeChangeResponse first = p.changes.get(change.moveId());
    if (first != null) {
      return first;
    }
    long removed = 0;
    for (long key : new ArrayList<>(p.rows.keySet())) {
      if (change.range().contains(key) && !PointRange.anyContains(p.owned, key)) {
        p.rows.remove(key);
        removed++;
      }
    }
    p.lsn++;
    RangeChangeResponse answer = new RangeChangeResponse(p.epoch, p.lsn, p.owned, removed);
    p.changes.put(change.moveId(), answer);
    return answer;
  }

  private RangeChangeResponse change(
      String baseUrl,
      String kind,
      RangeChange change,
      java.util.function.Function<Primary, List<PointRange>> next,
      Duration timeout) {
    Primary p = at(baseUrl, timeout);
    calls.add(p.name + " " + kind + " " + change.moveId());
    // As a shard-server does: a repeated fence or adopt is applied again (a set operation) and
    // appends a new entry, answered with its own LSN, never a replay of the first answer.
    p.owned = next.apply(p);
    p.lsn++;
    if (p == source) {
      p.log.add(new Object[] {p.lsn, null, null});
    }
    for (PointRange r : source.owned) {
      for (PointRange o : dest.owned) {
        if (r.overlaps(o)) {
          throw new AssertionError("both shards own " + r + " and " + o + " after " + change);
        }
      }
    }
    if ((p == dest && kind.equals("adopt") && destFreezesAtTheAdopt)
        || (p == source && kind.equals("fence") && sourceFreezesAtTheFence)) {
      // Frozen after applying the entry, before answering: the caller cannot know it did.
      destFreezesAtTheAdopt = destFreezesAtTheAdopt && p != dest;
      sourceFreezesAtTheFence = sourceFreezesAtTheFence && p != source;
      if (p == dest) {
        destHung = true;
      } else {
        sourceHung = true;
      }
      throw hung(baseUrl, timeout);
    }
    if (p == dest && kind.equals("adopt")) {
      if (destAdoptUnacknowledged) {
        throw new ShardServerException(
            "write quorum not reached: lsn " + p.lsn + " is held by 1 of the 2 required",
            503,
            null);
      }
      destAdoptAcknowledged = true;
      destAdoptAnswer = new RangeChangeResponse(p.epoch, p.lsn, p.owned, 0);
    }
    return new RangeChangeResponse(p.epoch, p.lsn, p.owned, 0);
  }

  /**
   * The destination's primary fails over to a replica that never got the unacknowledged adopt (nor
   * runs an import): the range is not owned there.
   */
  synchronized void destFailsOverWithoutTheAdopt() {
    dest.epoch++;
    dest.owned = List.of();
    importing = null;
    importState = null;
  }

  /** Every export grant sent, in order, with the URL it went to ({@code url -> grant}). */
  final java.util.List<java.util.Map.Entry<String, io.shardeddb.protocol.shard.ExportGrant>>
      grants = new java.util.ArrayList<>();

  @Override
  public synchronized void grantExport(
      String baseUrl, io.shardeddb.protocol.shard.ExportGrant grant) {
    grants.add(java.util.Map.entry(baseUrl, grant));
  }

  /** Every import request the destination was sent, in order. */
  final java.util.List<ImportRequest> importRequests = new java.util.ArrayList<>();

  @Override
  public synchronized void startImport(String baseUrl, ImportRequest request) {
    at(baseUrl);
    importRequests.add(request);
    calls.add("dest import " + request.moveId());
    if (request.equals(importing) && importState != ImportState.Stopped) {
      return;
    }
    // Starting over: drop what an earlier import copied of the range.
    dest.rows.keySet().removeIf(k -> request.range().contains(k));
    importing = request;
    importState = ImportState.Copying;
    importedLsn = 0;
    rowsCopied = 0;
  }

  @Override
  public synchronized ImportProgress importProgress(String baseUrl, String moveId) {
    at(baseUrl);
    if (importing == null || !importing.moveId().equals(moveId)) {
      return null;
    }
    advance();
    return progress();
  }

  @Override
  public synchronized void stopImport(String baseUrl, String moveId) {
    at(baseUrl);
    calls.add("dest stop-import " + moveId);
    if (importing == null) {
      // As RangeController answers a primary that runs no import (a new one after a failover).
      throw new ShardServerException("no import on the destination", 404, null);
    }
    if (importing.moveId().equals(moveId)) {
      importState = ImportState.Stopped;
    }
  }

  /** One step of the import: the snapshot on the first, then the source's log if it pulls. */
  private void advance() {
    PointRange r = importing.range();
    if (importState == ImportState.Copying) {
      importedLsn = source.lsn;
      for (Map.Entry<Long, String> e : source.rows.entrySet()) {
        if (r.contains(e.getKey())) {
          dest.rows.put(e.getKey(), e.getValue());
          rowsCopied++;
        }
      }
      importState = ImportState.CatchingUp;
      return;
    }
    if (importState != ImportState.CatchingUp || !pulls) {
      return;
    }
    for (Object[] entry : source.log) {
      long lsn = (Long) entry[0];
      if (lsn <= importedLsn) {
        continue;
      }
      Long key = (Long) entry[1];
      if (key != null && r.contains(key)) {
        dest.rows.put(key, (String) entry[2]);
      }
      importedLsn = lsn;
    }
  }

  private ImportProgress progress() {
    return new ImportProgress(
        importing.moveId(), importState, rowsCopied, source.epoch, importedLsn, null);
  }

  /** Whether the destination's import is stopped. */
  synchronized boolean importStopped() {
    return importState == ImportState.Stopped;
  }

  @Override
  public void configure(String baseUrl, ShardConfigRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public TimedFence fence(String baseUrl, FenceRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void assignRole(String baseUrl, RoleRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void resync(String baseUrl) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ChecksumResponse checksum(String baseUrl) {
    throw new UnsupportedOperationException();
  }
}
