package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The reply to {@code DELETE /rm}: {@code
 * {"message":{"N":3,"servers":[..]},"status":"successful"}}.
 */
@Serdeable
public record RemoveResponse(Removed message, String status) {

  /** The servers left ({@code N}) and the ones removed. */
  @Serdeable
  @JsonPropertyOrder({"N", "servers"})
  public record Removed(@JsonProperty("N") int n, List<String> servers) {}
}
