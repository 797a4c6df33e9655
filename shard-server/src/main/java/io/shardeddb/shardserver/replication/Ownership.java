package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.replication.rules.Rulebook;
import io.shardeddb.shardserver.storage.ShardConfig;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether a routed client request may reach this shard's write or read path: the router's layout
 * ({@code X-Shard-Owned}) must give this shard exactly what it owns and each key must be owned
 * (else 421, the router re-reads its topology) — unless the request is a retry of a change recorded
 * here, which is recognised before ownership (DESIGN §5 rule 13). The one implementation, asked by
 * the shard-server's controllers ({@code /write}, {@code /update}, {@code /del}, {@code /read},
 * {@code /write/batch}, {@code /read/batch}) and by the simulator's replica for the same messages.
 */
@Singleton
public final class Ownership {
  private final ReplicaStore store;
  private final Rulebook rules;

  public Ownership(ReplicaStore store, Rulebook rules) {
    this.store = store;
    this.rules = rules;
  }

  /**
   * Refuses (421) a request routed by a layout ({@code expected}, the {@code X-Shard-Owned} header;
   * null: not checked) that gives this shard other ranges than it owns.
   */
  public static void requireExpected(ShardConfig config, String expected) {
    if (expected == null) {
      return;
    }
    List<PointRange> wanted = ShardEndpoints.parseOwnedHeader(expected);
    if (!config.ownsExactly(wanted)) {
      throw new ShardException(
          ShardEndpoints.NOT_OWNED,
          "shard "
              + config.shardId()
              + " owns "
              + ShardConfig.describe(config.ownedRanges())
              + ", not "
              + ShardConfig.describe(wanted)
              + " as the request's "
              + ShardEndpoints.OWNED_HEADER
              + " says; re-read the topology");
    }
  }

  /**
   * Refuses (421) a change of {@code keys} this shard does not own, or sent by a router whose
   * layout gives this shard other ranges than {@code expected} — unless {@code requestId} names a
   * change recorded here: a retry is recognised before ownership (rule 13). A change this shard
   * applied before its range moved away then gets its original outcome from the write path (which
   * deduplicates before its own ownership check) instead of being routed to the new owner and
   * applied there a second time. The write path still checks ownership inside the commit for
   * anything it does not find recorded.
   */
  public void requireOwnedUnlessRetry(
      ShardConfig config, String expected, String requestId, Iterable<?> keys) {
    try {
      requireExpected(config, expected);
      for (Object key : keys) {
        config.requireOwns(key);
      }
    } catch (ShardException e) {
      if (e.status() != ShardEndpoints.NOT_OWNED
          || !rules.dedupBeforeOwnership()
          || !isRecorded(requestId)) {
        throw e;
      }
    }
  }

  /**
   * For a batch of changes: null when the router's layout ({@code expected}) is this shard's (each
   * item then checks only its keys); when it is not, one 421 for the whole batch unless an item is
   * a retry of a change recorded here — then {@code expected} itself, so each item is checked alone
   * against it ({@link #requireOwnedUnlessRetry}: a retry gets its original outcome, the others
   * 421), and no retry is routed to the range's new owner and applied twice there.
   */
  public String itemsExpectation(ShardConfig config, String expected, List<String> requestIds) {
    try {
      requireExpected(config, expected);
      return null;
    } catch (ShardException e) {
      if (e.status() != ShardEndpoints.NOT_OWNED || !anyRecorded(requestIds)) {
        throw e;
      }
      return expected;
    }
  }

  /** Whether {@code requestId} names a change whose outcome this shard recorded (rule 8). */
  public boolean isRecorded(String requestId) {
    return requestId != null && !store.recordedAmong(List.of(requestId)).isEmpty();
  }

  private boolean anyRecorded(List<String> requestIds) {
    if (!rules.dedupBeforeOwnership()) {
      return false;
    }
    List<String> ids = new ArrayList<>(requestIds);
    ids.removeIf(Objects::isNull);
    return !ids.isEmpty() && !store.recordedAmong(ids).isEmpty();
  }
}
