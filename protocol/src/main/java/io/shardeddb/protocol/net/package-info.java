/** Network helpers shared by the processes: loopback ports for servers that bind later. */
package io.shardeddb.protocol.net;
