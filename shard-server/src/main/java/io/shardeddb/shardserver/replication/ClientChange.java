package io.shardeddb.shardserver.replication;

import io.shardeddb.protocol.shard.Operation;
import java.util.List;
import java.util.Map;

/**
 * A validated client change for the primary to order: rows (coerced, for writes), the single row's
 * new values (updates) or only the key (deletes), and the optional client request id.
 */
public record ClientChange(
    Operation op, List<Map<String, Object>> rows, Long key, String requestId) {

  public static ClientChange write(List<Map<String, Object>> rows, String requestId) {
    return new ClientChange(Operation.Write, rows, null, requestId);
  }

  public static ClientChange update(long key, Map<String, Object> values, String requestId) {
    return new ClientChange(Operation.Update, List.of(values), key, requestId);
  }

  public static ClientChange delete(long key, String requestId) {
    return new ClientChange(Operation.Delete, null, key, requestId);
  }
}
