package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code POST /write/batch} ({@link ShardEndpoints#WRITE_BATCH}) on a shard's primary: several
 * independent {@code /write} requests that a router coalesced because they arrived while another
 * request to the same primary was in flight. Each item is exactly the body of a {@code /write} (its
 * own {@code shard}, rows and {@code requestId}) and is validated, ordered, deduplicated by its
 * request id and acknowledged as if it had come alone (DESIGN §5 rule 8): one item's error (400,
 * 409 duplicate key, 421 a key this shard does not own, 503 quorum timeout) never fails another.
 * The {@link ShardEndpoints#OWNED_HEADER} of the HTTP request applies to every item. The reply
 * lists one {@link ShardWriteBatchResponse.Result} per item, in the request's order.
 */
@Serdeable
public record ShardWriteBatchRequest(List<ShardWriteRequest> writes) {}
