/**
 * The contract shared by every ShardedDB process: schema and row validation ({@code schema}),
 * topology and key mapping ({@code topology}), the router's public load-balancer API ({@code lb}),
 * the internal shard-server API ({@code shard}), the failover election rule ({@code failover}), the
 * shard-server credentials ({@code auth}) and the router's typed Java client ({@code client}).
 */
package io.shardeddb.protocol;
