package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The reply to {@code POST /write}, {@code PUT /update} and {@code DELETE /del}: the contract's
 * message and status, plus (beyond the contract) a {@code session} token of per-shard LSNs that a
 * later read can pass for read-your-writes. Clients that do not know the field ignore it.
 */
@Serdeable
@JsonPropertyOrder({"message", "status", "session"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WriteResponse(String message, String status, String session) {}
