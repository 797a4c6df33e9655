/**
 * The replication safety rules of DESIGN §5 as pure decisions over plain values: no HTTP, JDBC,
 * threads or clock of their own (time comes in as a {@code long} of monotonic nanoseconds), so the
 * adapters in {@code replication} and a deterministic simulator run exactly the same code.
 */
package io.shardeddb.shardserver.replication.rules;
