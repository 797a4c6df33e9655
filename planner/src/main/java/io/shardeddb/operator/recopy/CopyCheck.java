package io.shardeddb.operator.recopy;

import io.shardeddb.protocol.shard.ChecksumResponse;

/** A copied replica's checksum and its primary's, read one right after the other. */
public record CopyCheck(ChecksumResponse replica, ChecksumResponse primary) {}
