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
 * Refuses to remove a shard that still holds rows (moving rows between shards is a later
 * capability): a shard gone from the spec is kept running while its primary reports rows, or while
 * the operator cannot ask it.
 */
public final class ShardRemovalGuard {

  /** A shard the spec dropped but the operator keeps, and why. */
  public record Refusal(DesiredShard shard, String reason) {}

  private final ShardServerClient client;

  /** Asks shard primaries through this client. */
  public ShardRemovalGuard(ShardServerClient client) {
    this.client = client;
  }

  /** The shards in {@code previous} but not in {@code specIds} that must be kept. */
  public List<Refusal> refusals(List<ShardStatus> previous, Set<String> specIds) {
    List<Refusal> refusals = new ArrayList<>();
    for (ShardStatus shard : previous) {
      if (specIds.contains(shard.id())) {
        continue;
      }
      int replicas = Math.max(1, shard.replicasOrEmpty().size());
      DesiredShard keep = new DesiredShard(shard.id(), replicas);
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
                      + " still holds "
                      + sum.rows()
                      + " rows; removing a shard with data needs resharding, which ShardedDB"
                      + " does not do yet. Delete its rows first, or put the shard back in"
                      + " spec.shards"));
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
