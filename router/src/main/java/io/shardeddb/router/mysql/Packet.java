package io.shardeddb.router.mysql;

/** One MySQL protocol packet: its sequence id and payload (at most 16 MiB - 1). */
record Packet(int sequence, byte[] payload) {}
