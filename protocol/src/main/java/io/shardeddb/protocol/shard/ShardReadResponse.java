package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * The shard-server's reply to {@code POST /read {"shard":"sh2","Stud_id":{"low":..,"high":..}}}:
 * the rows in key order, and the LSN they reflect.
 */
@Serdeable
public record ShardReadResponse(List<Map<String, Object>> data, String status, Long appliedLsn) {}
