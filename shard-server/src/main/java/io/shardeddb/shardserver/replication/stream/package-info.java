/**
 * The binary replication stream (issue 27): one long-lived TCP connection (TLS with TLS on) per
 * primary → secondary pair, carrying {@code replicate} requests and their cumulative answers as
 * length-prefixed binary frames with correlation ids. {@code /log}, {@code /snapshot} and every
 * other call stay HTTP; a peer that does not offer the stream is called over HTTP.
 */
package io.shardeddb.shardserver.replication.stream;
