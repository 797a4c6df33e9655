package io.shardeddb.shardserver.http;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.shard.TxnStep;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.Ownership;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.write.LogOps;
import io.shardeddb.shardserver.storage.ShardConfig;
import io.shardeddb.shardserver.storage.ShardStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one implementation of a {@code /write}'s checks and reply, shared by {@code POST /write} and
 * every item of {@code POST /write/batch}: {@link #prepare} turns a request into the change to
 * queue (or throws the error {@code /write} answers), {@link #written} builds the reply to an
 * acknowledged change.
 */
@Singleton
class WriteRequests {
  /** A valid {@code /write}: the change to queue and the {@code current_idx} to answer. */
  record Prepared(ClientChange change, Integer current) {}

  /** The message of an acknowledged {@code /write}. */
  static final String ADDED = "Data entries added";

  private final ReplicaContext ctx;
  private final ShardStore store;
  private final Ownership ownership;

  WriteRequests(ReplicaContext ctx, ShardStore store, Ownership ownership) {
    this.ctx = ctx;
    this.store = store;
    this.ownership = ownership;
  }

  /**
   * Checks one {@code /write} body: this shard, at least one row, each row coerced to the schema,
   * each key owned and the router's {@code expectedOwned} ranges (when given) ours (421, unless a
   * retry: {@link #requireOwnedUnlessRetry}), no key twice (400), a well-formed request id.
   */
  Prepared prepare(ShardConfig config, ShardWriteRequest request, String expectedOwned) {
    RequestFields.requireShard(config, request.shard(), ctx.name());
    if (request.data() == null) {
      throw new InvalidRequestException("missing field 'data'");
    }
    if (request.data().isEmpty()) {
      throw new InvalidRequestException("field 'data' must list at least one row");
    }
    TableSchema schema = config.table(request.table());
    List<Map<String, Object>> rows = new ArrayList<>();
    Set<Object> keys = new HashSet<>();
    for (Map<String, Object> raw : request.data()) {
      Map<String, Object> row = schema.coerceRow(raw);
      Object key = schema.keyOf(row);
      if (!keys.add(key)) {
        throw new InvalidRequestException(
            "field 'data' lists " + schema.shardKey() + ":" + key + " more than once");
      }
      rows.add(row);
    }
    String requestId = RequestFields.requestId(request.requestId());
    requireOwnedUnlessRetry(config, expectedOwned, requestId, keys);
    Integer current = request.currIdx() == null ? null : request.currIdx() + rows.size();
    return new Prepared(
        ClientChange.write(rows, requestId)
            .withTimestamp(RequestFields.timestamp(request.timestamp()))
            .ofTable(request.table()),
        current);
  }

  /** The most steps one transaction may have (a 400 beyond). */
  static final int MAX_TXN_STEPS = 10_000;

  /**
   * Checks one {@code /txn} body: at least one step and at most {@link #MAX_TXN_STEPS}, each step
   * well formed and its row coerced to the schema (an update may not change the key), every key
   * owned (421 unless a retry), a well-formed request id; the change to queue.
   */
  ClientChange txn(ShardConfig config, ShardTxnRequest request, String expectedOwned) {
    List<TxnStep> raw = request.steps();
    if (raw == null || raw.isEmpty()) {
      throw new InvalidRequestException("field 'steps' must list at least one change");
    }
    if (raw.size() > MAX_TXN_STEPS) {
      throw new InvalidRequestException(
          "a transaction has at most " + MAX_TXN_STEPS + " changes, got " + raw.size());
    }
    List<TxnStep> steps = new ArrayList<>(raw.size());
    Set<Object> keys = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      TxnStep t = raw.get(i).validate(i);
      // Each step of its own table (any of the shard's; null or the first's name: the first),
      // named in the entry as its schema spells it.
      TableSchema schema = config.table(t.table());
      String keyName = schema.shardKey();
      t = t.ofTable(schema == config.schema() ? null : schema.table());
      try {
        t = LogOps.coerced(List.of(t), schema).get(0);
      } catch (InvalidRequestException e) {
        throw new InvalidRequestException("steps[" + i + "]: " + e.getMessage());
      }
      Object key;
      try {
        key = t.keyIn(schema);
      } catch (InvalidRequestException e) {
        throw new InvalidRequestException("steps[" + i + "]: " + e.getMessage());
      }
      if (t.op() != Operation.Write) {
        // The key as the table's key value (a Number key sent as text made a Long).
        t = new TxnStep(t.op(), key, t.row(), t.table());
      }
      if (t.op() == Operation.Update
          && t.row().get(keyName) != null
          && !t.row().get(keyName).equals(key)) {
        throw new InvalidRequestException(
            "steps[" + i + "]: an update cannot change " + keyName + " (" + t.key() + ")");
      }
      keys.add(key);
      steps.add(t);
    }
    String requestId = RequestFields.requestId(request.requestId());
    requireOwnedUnlessRetry(config, expectedOwned, requestId, keys);
    return ClientChange.txn(steps, requestId)
        .withTimestamp(RequestFields.timestamp(request.timestamp()));
  }

  /** {@link Ownership#requireOwnedUnlessRetry}: 421 unless owned or a retry recorded here. */
  void requireOwnedUnlessRetry(
      ShardConfig config, String expectedOwned, String requestId, Iterable<?> keys) {
    ownership.requireOwnedUnlessRetry(config, expectedOwned, requestId, keys);
  }

  /** The reply to an acknowledged change: its position and the acknowledgements it got. */
  ShardWriteResponse written(String message, Integer current, WriteCoordinator.Acked a) {
    return written(
        message, current, a, a.entryEpoch() > 0 ? Long.valueOf(a.entryEpoch()) : epochOf(a.lsn()));
  }

  /**
   * The epochs of the acknowledged entries at {@code lsns} (null where no longer in the log), as
   * {@link #written} would look them up one by one, in at most two lookups when they agree: the
   * epochs of a log never decrease along its LSNs (a new term appends after all it kept, rule 3; a
   * truncated tail is replaced by entries of a later epoch), so if the lowest and the highest of
   * these LSNs hold the same epoch, every LSN between them holds it too.
   */
  List<Long> epochsOf(List<Long> lsns) {
    List<Long> held = lsns.stream().filter(l -> l > 0).sorted().toList();
    if (held.size() > 2) {
      Long low = epochOf(held.get(0));
      Long high = epochOf(held.get(held.size() - 1));
      if (low != null && low.equals(high)) {
        return lsns.stream().map(l -> l > 0 ? low : null).toList();
      }
    }
    return lsns.stream().map(this::epochOf).toList();
  }

  /** As {@link #written}, with the entry's epoch already known. */
  ShardWriteResponse written(
      String message, Integer current, WriteCoordinator.Acked a, Long epoch) {
    return new ShardWriteResponse(
        message,
        current,
        MessageResponse.SUCCESS,
        a.lsn(),
        epoch,
        a.acks() > 0 ? a.acks() : null,
        a.replicas() > 0 ? a.replicas() : null,
        timestampOf(a));
  }

  /**
   * The global timestamp of the acknowledged entry: the batcher's, or the log's for a deduplicated
   * retry of an earlier entry; null when neither knows one.
   */
  private Long timestampOf(WriteCoordinator.Acked a) {
    if (a.timestamp() > 0) {
      return a.timestamp();
    }
    if (a.lsn() <= 0) {
      return null;
    }
    return store.timestampAt(a.lsn()).filter(ts -> ts > 0).orElse(null);
  }

  /**
   * The epoch of the acknowledged entry at {@code lsn}, for the caller's session token (a
   * deduplicated retry may name an entry of an earlier epoch); null when no longer in the log.
   */
  private Long epochOf(long lsn) {
    return lsn <= 0 ? null : store.epochAt(lsn).orElse(null);
  }
}
