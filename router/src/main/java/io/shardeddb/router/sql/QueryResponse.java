package io.shardeddb.router.sql;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * The reply to {@code POST /query}, in the distributed-MySQL coordinator's shape ({@code success},
 * {@code message}, {@code timestamp}, {@code rows_affected}, {@code executed_on}, {@code data}),
 * plus ShardedDB's own fields: {@code quorum}, each written shard's log {@code positions}, the
 * {@code session} token for read-your-writes, {@code shards_queried}, the contract's {@code
 * status}, for an INSERT that generated AUTO_INCREMENT ids the first of them ({@code
 * last_insert_id}, as MySQL's), and for a SELECT the names of its {@code columns} in order (a row's
 * {@code timestamp} field is not one of them unless the SELECT named it so: shells and the console
 * show these columns; docs/sql.md).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "success",
  "message",
  "timestamp",
  "quorum",
  "rows_affected",
  "last_insert_id",
  "executed_on",
  "columns",
  "data",
  "shards_queried",
  "positions",
  "session",
  "status"
})
public record QueryResponse(
    boolean success,
    String message,
    Long timestamp,
    String quorum,
    @JsonProperty("rows_affected") Long rowsAffected,
    @JsonProperty("executed_on") String executedOn,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<Map<String, Object>> data,
    @JsonProperty("shards_queried") List<String> shardsQueried,
    Map<String, Position> positions,
    String session,
    String status,
    @JsonProperty("last_insert_id") Long lastInsertId,
    List<String> columns) {

  /**
   * Where one shard's part of a write sits in that shard's log: {@code (epoch, lsn)} (the latest
   * one the statement wrote there); {@code acks}, how many replicas (the primary included) held it
   * when the primary saw its write quorum reached (the fewest over the statement's writes to that
   * shard); {@code needed}, the quorum; {@code replicas}, the shard's replicas it is counted over.
   */
  @Serdeable
  public record Position(long epoch, long lsn, int acks, int needed, int replicas) {}

  /**
   * A successful SELECT: {@code rows} as shaped for {@code plan}, read from {@code shards} (null in
   * a transaction), served by {@code executedOn}.
   */
  static QueryResponse selected(
      SqlPlan.Select plan, List<Map<String, Object>> rows, String executedOn, List<String> shards) {
    return new QueryResponse(
        true,
        "Read successful",
        null,
        null,
        (long) rows.size(),
        executedOn,
        rows,
        shards,
        null,
        null,
        "success",
        null,
        plan.labels());
  }

  /** A failed statement: the status code goes on the HTTP response. */
  public static QueryResponse failure(String message) {
    return new QueryResponse(
        false, message, null, null, null, null, null, null, null, null, "failure", null, null);
  }
}
