/** Cabinet's replica weights and the best-weighted majority, as pure code. */
package io.shardeddb.protocol.quorum;
