package io.shardeddb.router.sql;

import io.shardeddb.router.routing.WritePath;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * What a statement's writes were acknowledged with, per shard and overall: each shard's latest
 * position, the fewest replicas that held any of its writes when the primary saw its quorum ({@code
 * acks}), the replicas its quorum is counted over ({@code replicas}) and the primaries that
 * acknowledged. {@code quorum} ("a/b") is {@code acks/replicas} of the least-acknowledged shard
 * (fewest acks; ties: more replicas, then shard id). Pure.
 *
 * @param positions per shard, in shard order
 * @param timestamp the highest global timestamp written (DESIGN §11: comparable across shards);
 *     from shard-servers that return none, the highest LSN written (LSNs of different shards are
 *     not comparable)
 * @param quorum "acks/replicas" of the least-acknowledged shard
 * @param executedOn "shard/primary" per shard, several primaries joined by "+"
 */
public record WriteAcks(
    Map<String, QueryResponse.Position> positions,
    long timestamp,
    String quorum,
    String executedOn) {

  /**
   * Summarises {@code writes}. For a reply from an older shard-server (no counts), {@code replicas}
   * comes from {@code replicasOf} (the topology) and {@code acks} is the quorum {@code required}
   * for them, the least the primary can have had.
   */
  public static WriteAcks of(
      List<WritePath.ShardWrite> writes,
      ToIntFunction<String> replicasOf,
      IntUnaryOperator required) {
    Map<String, QueryResponse.Position> positions = new TreeMap<>();
    Map<String, Set<String>> primaries = new TreeMap<>();
    long timestamp = 0;
    long global = 0;
    for (WritePath.ShardWrite w : writes) {
      if (w.lsn() == null) {
        continue;
      }
      int replicas =
          w.replicas() != null ? w.replicas() : Math.max(1, replicasOf.applyAsInt(w.shard()));
      int needed = required.applyAsInt(replicas);
      int acks = w.acks() != null ? w.acks() : needed;
      long epoch = w.epoch() == null ? 0 : w.epoch();
      QueryResponse.Position mine =
          new QueryResponse.Position(epoch, w.lsn(), acks, needed, replicas);
      positions.merge(
          w.shard(),
          mine,
          (a, b) -> {
            QueryResponse.Position later =
                Comparator.comparingLong(QueryResponse.Position::lsn)
                            .thenComparingLong(QueryResponse.Position::epoch)
                            .compare(a, b)
                        >= 0
                    ? a
                    : b;
            return new QueryResponse.Position(
                later.epoch(),
                later.lsn(),
                Math.min(a.acks(), b.acks()),
                later.needed(),
                later.replicas());
          });
      primaries.computeIfAbsent(w.shard(), k -> new TreeSet<>()).add(w.primary());
      timestamp = Math.max(timestamp, w.lsn());
      if (w.timestamp() != null) {
        global = Math.max(global, w.timestamp());
      }
    }
    if (global > 0) {
      timestamp = global;
    }
    String quorum =
        positions.entrySet().stream()
            .min(
                Comparator.<Map.Entry<String, QueryResponse.Position>>comparingInt(
                        e -> e.getValue().acks())
                    .thenComparing(e -> -e.getValue().replicas())
                    .thenComparing(Map.Entry::getKey))
            .map(e -> e.getValue().acks() + "/" + e.getValue().replicas())
            .orElse(null);
    List<String> on =
        primaries.entrySet().stream()
            .map(e -> e.getKey() + "/" + String.join("+", e.getValue()))
            .toList();
    return new WriteAcks(positions, timestamp, quorum, on.isEmpty() ? null : String.join(",", on));
  }
}
