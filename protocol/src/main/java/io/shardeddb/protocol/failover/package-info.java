/** The failover election rule as pure code, shared by the operator and the router. */
package io.shardeddb.protocol.failover;
