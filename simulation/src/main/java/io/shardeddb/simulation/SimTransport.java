package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.replication.PeerRefusal;
import io.shardeddb.shardserver.replication.PeerTransport;
import io.shardeddb.shardserver.replication.SnapshotStream;
import io.shardeddb.shardserver.replication.SourceTransport;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The production replica's {@link PeerTransport} over the simulated {@link Network}. A replicate
 * request is a message, its answer another one, and a request unanswered within the deadline fails
 * (rule 10) — lost, delayed past the deadline, or sent to a replica that is down, paused or cut
 * off. A log pull is answered at once by the replica at the address (the caller's blocking call in
 * production; no simulated time passes), or fails when the network does not let the exchange
 * through ({@link Network#reaches}). A re-copy's snapshot is opened at once, and its rows and
 * request outcomes then arrive chunk by chunk over simulated time (since 2026-11-25, issue 24): the
 * production {@code SecondarySync.recopy} blocks in the stream while the rest of the world goes on,
 * so fences, roles, crashes, partitions and failovers happen while the replica is Copying; a chunk
 * that finds the source crashed, restarted or out of reach breaks the stream (a connection reset).
 */
final class SimTransport implements PeerTransport, SourceTransport {
  /** Rows or request outcomes of a re-copy's snapshot stream that arrive together. */
  static final int CHUNK_ITEMS = 50;

  /** The simulated time a chunk takes to arrive, unless the world says otherwise. */
  static final long CHUNK_MILLIS = 50;

  /** A replicate request on the wire; {@code id} pairs it with its answer. */
  record Replicate(long id, ReplicateRequest request) {}

  /** The answer: {@code response} on 200, else the refusal's status and the receiver's epoch. */
  record Replicated(long id, ReplicateResponse response, int status, long epoch) {}

  private final String name;
  private final Network network;
  private final SimClock clock;
  private final long deadlineMillis;
  private final LongSupplier ids;
  private final Function<String, SimReplica> directory;
  private final Addresses addresses;
  private final Map<Long, CompletableFuture<ReplicateResponse>> waiting = new HashMap<>();

  SimTransport(
      String name,
      Network network,
      SimClock clock,
      long deadlineMillis,
      LongSupplier ids,
      Function<String, SimReplica> directory,
      Addresses addresses) {
    this.directory = directory;
    this.addresses = addresses;
    this.name = name;
    this.network = network;
    this.clock = clock;
    this.deadlineMillis = deadlineMillis;
    this.ids = ids;
  }

  @Override
  public CompletableFuture<ReplicateResponse> replicate(Peer peer, ReplicateRequest request) {
    long id = ids.getAsLong();
    CompletableFuture<ReplicateResponse> f = new CompletableFuture<>();
    waiting.put(id, f);
    // To whoever serves the peer's address now (another replica, if the address was reused).
    String to = addresses.holder(peer.url());
    if (to != null) {
      network.send(name, to, new Replicate(id, request));
    }
    clock.schedule(
        deadlineMillis,
        () -> {
          CompletableFuture<ReplicateResponse> late = waiting.remove(id);
          if (late != null) {
            late.completeExceptionally(
                new IOException("no answer from " + peer.name() + " within the deadline"));
          }
        });
    return f;
  }

  /** An answer arrived (a duplicate, or one after the deadline, finds nobody waiting). */
  void answered(Replicated r) {
    CompletableFuture<ReplicateResponse> f = waiting.remove(r.id());
    if (f == null) {
      return;
    }
    if (r.status() == 200) {
      f.complete(r.response());
    } else {
      f.completeExceptionally(new PeerRefusal(r.status(), "HTTP " + r.status(), r.epoch()));
    }
  }

  @Override
  public LogResponse log(
      String url,
      long fromLsn,
      long prevEpoch,
      String replica,
      int limit,
      String primary,
      long epoch)
      throws IOException {
    return at(url).serveLog(replica, fromLsn, prevEpoch, limit, primary, epoch);
  }

  @Override
  public SnapshotStream snapshot(String url, String primary, long epoch) throws IOException {
    SimReplica source = at(url);
    SnapshotStream stream = network.snapshotCuts().maybeCut(source.serveSnapshot(primary, epoch));
    long millis = network.snapshotChunkMillis();
    return millis <= 0 ? stream : new PacedSnapshot(stream, source, source.incarnation(), millis);
  }

  /**
   * A snapshot stream whose items arrive {@link #CHUNK_ITEMS} at a time, each chunk {@code millis}
   * after the one before (the first after the header): the reading background task blocks in {@link
   * SimClock#await} meanwhile. A chunk breaks the stream when the source's process is not the one
   * that opened it any more or the network does not let it through.
   */
  private final class PacedSnapshot implements SnapshotStream {
    private final SnapshotStream stream;
    private final SimReplica source;
    private final int sourceIncarnation;
    private final long millis;
    private long served;

    PacedSnapshot(SnapshotStream stream, SimReplica source, int sourceIncarnation, long millis) {
      this.stream = stream;
      this.source = source;
      this.sourceIncarnation = sourceIncarnation;
      this.millis = millis;
    }

    @Override
    public io.shardeddb.shardserver.replication.SnapshotHeader header() throws IOException {
      return stream.header();
    }

    @Override
    public Map<String, Object> nextRow() throws IOException {
      arrive();
      return stream.nextRow();
    }

    @Override
    public io.shardeddb.shardserver.storage.RequestOutcome nextOutcome() throws IOException {
      arrive();
      return stream.nextOutcome();
    }

    private void arrive() throws IOException {
      if (served++ % CHUNK_ITEMS != 0) {
        return;
      }
      network.copyChunks++;
      clock.await(millis);
      if (source.incarnation() != sourceIncarnation || !network.reaches(name, source.name())) {
        throw new IOException(
            "connection reset: the snapshot stream from " + source.name() + " broke mid-way");
      }
    }

    @Override
    public void close() {
      stream.close();
    }
  }

  // --- a move's import reading its source shard (answered at once, as log and snapshot) -------

  @Override
  public Heartbeat heartbeat(String url) throws IOException {
    return at(url).heartbeat();
  }

  @Override
  public SnapshotStream rangeSnapshot(String url, String primary, long epoch, PointRange range)
      throws IOException {
    return network.snapshotCuts().maybeCut(at(url).serveRangeSnapshot(primary, epoch, range));
  }

  @Override
  public LogResponse rangeLog(
      String url, String primary, long epoch, long fromLsn, PointRange range, int limit)
      throws IOException {
    return at(url).serveRangeLog(primary, epoch, fromLsn, range, limit);
  }

  /** The replica answering at {@code url} now, if the exchange gets through. */
  private SimReplica at(String url) throws IOException {
    String to = addresses.holder(url);
    if (to == null) {
      throw new IOException("connection refused: nobody serves " + url);
    }
    if (!network.reaches(name, to)) {
      network.unanswered(name, to);
      throw new IOException("no answer from " + to + " within the deadline");
    }
    return directory.apply(to);
  }
}
