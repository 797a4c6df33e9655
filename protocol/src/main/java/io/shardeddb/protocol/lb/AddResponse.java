package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The reply to {@code POST /add}: {@code {"N":5,"message":"Add Server:4 and
 * Server:<id>","status":"successful"}}.
 */
@Serdeable
@JsonPropertyOrder({"N", "message", "status"})
public record AddResponse(@JsonProperty("N") int n, String message, String status) {}
