/**
 * How every ShardedDB process logs (docs/monitoring.md, "Logs"): the logback configuration the
 * router, shard-server and operator include ({@code logback-included.xml} beside these classes),
 * the JSON line encoder that adds the database, shard and pod to each line, and the request id a
 * served request carries in the MDC ({@code RequestIds}, which needs only slf4j: the router's write
 * path reads it, and the shard-server logs a router's write under it). Only processes that log
 * through logback load the encoders and the filter; logback and Micronaut's HTTP API are optional
 * dependencies here.
 */
package io.shardeddb.protocol.logging;
