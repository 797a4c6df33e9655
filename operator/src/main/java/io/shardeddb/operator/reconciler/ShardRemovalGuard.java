package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.protocol.shard.ChecksumResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides which shards gone from the spec keep running: one that still owns a range of the
 * published layout, or takes part in the move in flight, is kept while resharding moves its rows
 * away (not a refusal); one that owns nothing is removed once its primary reports no rows (its last
 * move's purge is done), and is kept, refused, while it still holds rows or cannot be asked.
 */
public final class ShardRemovalGuard {

  /**
   * A shard the spec dropped but the operator keeps, and why; {@code resharding}: kept because
   * resharding still moves its rows (expected, not a refused removal).
   */
  public record Refusal(DesiredShard shard, String reason, boolean resharding) {

    /** A refused removal. */
    public Refusal(DesiredShard shard, String reason) {
      this(shard, reason, false);
    }
  }

  private final ShardServerClient client;

  /** Asks shard primaries through this client. */
  public ShardRemovalGuard(ShardServerClient client) {
    this.client = client;
  }

  /**
   * The shards in {@code previous} but not in {@code specIds} that must be kept; {@code resharding}
   * names the shards resharding still needs (owners in the published layout, the source and
   * destination of the move in flight).
   */
  public List<Refusal> refusals(
      List<ShardStatus> previous, Set<String> specIds, Set<String> resharding) {
    List<Refusal> refusals = new ArrayList<>();
    for (ShardStatus shard : previous) {
      if (specIds.contains(shard.id())) {
        continue;
      }
      int replicas = Math.max(1, shard.replicasOrEmpty().size());
      DesiredShard keep = new DesiredShard(shard.id(), replicas);
      if (resharding.contains(shard.id())) {
        refusals.add(
            new Refusal(
                keep,
                "shard "
                    + shard.id()
                    + " is kept until resharding has moved its rows to the shards of the spec",
                true));
        continue;
      }
      String url =
          shard.replicasOrEmpty().stream()
              .filter(r -> r.pod().equals(shard.primary()))
              .map(ReplicaStatus::url)
              .findFirst()
              .orElse(null);
      if (shard.primary() == null || url == null) {
        // Never brought up, so it holds nothing.
        continue;
      }
      try {
        ChecksumResponse sum = client.checksum(url);
        if (sum.rows() > 0) {
          refusals.add(
              new Refusal(
                  keep,
                  "shard "
                      + shard.id()
                      + " was removed from the spec and owns no range, but still holds "
                      + sum.rows()
                      + " rows (rows outside what it owns are purged when a move ends); it is"
                      + " kept until it is empty"));
        }
      } catch (ShardServerException e) {
        refusals.add(
            new Refusal(
                keep,
                "shard "
                    + shard.id()
                    + " cannot be shown to be empty (its primary did not answer: "
                    + e.getMessage()
                    + "); it is kept until it can"));
      }
    }
    return refusals;
  }
}
