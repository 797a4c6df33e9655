package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /read/batch} ({@link ShardEndpoints#READ_BATCH}): several independent {@code /read}
 * requests to one replica that a router coalesced. Each item is exactly the body of a {@code /read}
 * (its own {@code shard}, key range, consistency, session position, filter, limit) and is answered
 * as if it had come alone (the same checks, DESIGN §5 rule 9, the same errors); the server may
 * answer items that are single keys with one query. The {@link ShardEndpoints#OWNED_HEADER} of the
 * HTTP request applies to every item. The reply lists one {@link ShardReadBatchResponse.Result} per
 * item, in the request's order.
 */
@Serdeable
public record ShardReadBatchRequest(List<Map<String, Object>> reads) {}
