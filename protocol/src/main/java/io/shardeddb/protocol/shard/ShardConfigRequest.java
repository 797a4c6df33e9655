package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.lb.SchemaDoc;
import java.util.List;

/**
 * {@code POST /config} on a shard-server. The assignment's shape is {@code
 * {"schema":{"columns":[..],"dtypes":[..]},"shards":["sh1"]}}; ShardedDB adds the table name, the
 * shard key and the shard's key range {@code [low, low+size)} so the server can refuse keys that
 * are not its own. A shard-server holds exactly one shard, so {@code shards} has one id. Absent
 * extras default to table {@code data}, the first column as key and an unbounded range.
 */
@Serdeable
public record ShardConfigRequest(
    SchemaDoc schema, List<String> shards, String table, String shardKey, Long low, Long size) {}
