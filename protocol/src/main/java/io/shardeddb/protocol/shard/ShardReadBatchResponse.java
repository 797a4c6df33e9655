package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The reply to {@code POST /read/batch}: one result per item, in the request's order; whole-request
 * failures as for {@link ShardWriteBatchResponse}.
 */
@Serdeable
public record ShardReadBatchResponse(List<Result> results) {

  /**
   * One item's outcome: {@code status} 200 and {@code response} (what {@code /read} would have
   * answered), or the HTTP status {@code /read} would have answered and its {@code message}.
   */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(int status, String message, ShardReadResponse response) {
    public static Result ok(ShardReadResponse response) {
      return new Result(200, null, response);
    }

    public static Result failed(int status, String message) {
      return new Result(status, message, null);
    }
  }
}
