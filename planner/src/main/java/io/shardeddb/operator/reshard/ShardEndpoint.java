package io.shardeddb.operator.reshard;

import io.shardeddb.protocol.shard.ImportSource;
import java.util.List;

/**
 * How to reach one shard for resharding, as this pass observed it: its primary's base URL (null:
 * none known), every replica's URL with the primary's first, whether the shard is Ready, and each
 * replica's pod and certificate host ({@code sources}, in the order of {@code urls}), which an
 * import from this shard expects at those URLs.
 */
public record ShardEndpoint(
    String primaryUrl, List<String> urls, boolean ready, List<ImportSource> sources) {

  /** An endpoint whose replicas' pods are not known (tests, the simulator). */
  public ShardEndpoint(String primaryUrl, List<String> urls, boolean ready) {
    this(primaryUrl, urls, ready, List.of());
  }
}
