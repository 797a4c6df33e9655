package io.shardeddb.shardserver.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The database's other tables as a stored config names them ({@link ShardConfig#tables}), read
 * where only the stored config's text is at hand: a snapshot reads the config in the same
 * transaction as the rows, so it exports exactly the tables its LSN has (issue 46).
 */
final class StoredTables {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private StoredTables() {}

  /** The other tables {@code configJson} names, in order; none for null or the one-table form. */
  static List<TableSchema> othersOf(String configJson) {
    if (configJson == null) {
      return List.of();
    }
    try {
      JsonNode tables = JSON.readTree(configJson).get("tables");
      List<TableSchema> out = new ArrayList<>();
      if (tables != null && tables.isArray()) {
        for (JsonNode t : tables) {
          out.add(JSON.treeToValue(t, TableSchema.class));
        }
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new StorageException("stored config is unreadable: " + e.getOriginalMessage(), e);
    }
  }
}
