package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * The shard-server's reply to {@code POST /read/explain} (a {@code /read} body): {@code sql}, the
 * SELECT that read would run, with {@code ?} for its bound values (none of them in the text), and
 * {@code plan}, MariaDB's {@code EXPLAIN} of it with those values bound — one map per row, keyed by
 * MariaDB's column names ({@code id}, {@code select_type}, {@code table}, {@code type}, {@code
 * possible_keys}, {@code key}, {@code key_len}, {@code ref}, {@code rows}, {@code Extra}).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardExplainResponse(List<Map<String, Object>> plan, String sql, String status) {}
