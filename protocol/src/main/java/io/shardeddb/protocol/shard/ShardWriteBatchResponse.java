package io.shardeddb.protocol.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The reply to {@code POST /write/batch}: one result per item of the request, in its order. The
 * HTTP status is 200 whenever the items were looked at one by one; a failure that concerns the
 * whole request (401, 421 for an {@link ShardEndpoints#OWNED_HEADER} this shard does not match, 400
 * for a malformed envelope, 409 not the primary) is answered as for {@code /write}, with the usual
 * error body, and then applies to every item.
 */
@Serdeable
public record ShardWriteBatchResponse(List<Result> results) {

  /**
   * One item's outcome: {@code status} 200 and {@code response} (what {@code /write} would have
   * answered), or the HTTP status {@code /write} would have answered and its {@code message}.
   */
  @Serdeable
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(int status, String message, ShardWriteResponse response) {
    public static Result ok(ShardWriteResponse response) {
      return new Result(200, null, response);
    }

    public static Result failed(int status, String message) {
      return new Result(status, message, null);
    }
  }
}
