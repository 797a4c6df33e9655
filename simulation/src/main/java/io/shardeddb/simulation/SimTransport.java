package io.shardeddb.simulation;

import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.shardserver.replication.PeerRefusal;
import io.shardeddb.shardserver.replication.PeerTransport;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The production replica's {@link PeerTransport} over the simulated {@link Network}: a request is a
 * message, its answer another one, and a request unanswered within the deadline fails (rule 10) —
 * lost, delayed past the deadline, or sent to a replica that is down, paused or cut off.
 */
final class SimTransport implements PeerTransport {
  /** A replicate request on the wire; {@code id} pairs it with its answer. */
  record Replicate(long id, ReplicateRequest request) {}

  /** The answer: {@code response} on 200, else the refusal's status and the receiver's epoch. */
  record Replicated(long id, ReplicateResponse response, int status, long epoch) {}

  private final String name;
  private final Network network;
  private final SimClock clock;
  private final long deadlineMillis;
  private final LongSupplier ids;
  private final Map<Long, CompletableFuture<ReplicateResponse>> waiting = new HashMap<>();

  SimTransport(
      String name, Network network, SimClock clock, long deadlineMillis, LongSupplier ids) {
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
    network.send(name, peer.name(), new Replicate(id, request));
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
      long epoch) {
    throw new UnsupportedOperationException("the simulated secondary pulls with LogRequest");
  }

  @Override
  public Stream<String> snapshot(String url) {
    throw new UnsupportedOperationException("the simulated secondary copies with Snapshot");
  }
}
