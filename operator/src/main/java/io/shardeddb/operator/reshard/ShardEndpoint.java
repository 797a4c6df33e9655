package io.shardeddb.operator.reshard;

import java.util.List;

/**
 * How to reach one shard for resharding, as this pass observed it: its primary's base URL (null:
 * none known), every replica's URL with the primary's first, and whether the shard is Ready.
 */
public record ShardEndpoint(String primaryUrl, List<String> urls, boolean ready) {}
