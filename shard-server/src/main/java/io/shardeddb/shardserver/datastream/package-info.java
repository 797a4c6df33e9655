/**
 * The router → shard-server data stream (issue 27 lever 1): data calls ({@code /write}, {@code
 * /write/batch}, {@code /read}, {@code /read/batch}, {@code /update}, {@code /del}, {@code /txn},
 * {@code /timestamps}) carried as framed requests with correlation ids on one long-lived connection
 * per router, on the replication stream's port, a hello naming the data channel ({@code
 * io.shardeddb.protocol.stream.DataFrames}); the hot calls with typed bodies when the hello asked
 * for them (issue 48, {@code io.shardeddb.protocol.stream.DataBodies}), the others as JSON. An
 * adapter only: every call runs the HTTP endpoint's own method.
 */
package io.shardeddb.shardserver.datastream;
