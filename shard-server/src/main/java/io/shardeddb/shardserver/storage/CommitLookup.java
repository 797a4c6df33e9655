package io.shardeddb.shardserver.storage;

import io.shardeddb.shardserver.replication.write.BatchPlanner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a group commit reads before it decides, in one round trip: the recorded outcomes of its
 * request ids ({@code request_ids}) and which of its keys already have a row (in the table each
 * names: the user's first table or another).
 */
final class CommitLookup {
  private CommitLookup() {}

  /**
   * Inside the group-commit transaction, in one round trip (one {@code UNION ALL}): the recorded
   * outcomes of the lookup's request ids (rule 8) and which of its keys already have a row, each in
   * its table ({@code first} for the database's first table, the lookup's schema for others).
   */
  static ShardStore.Known lookUp(Connection c, UserTable first, BatchPlanner.Lookup lookup)
      throws SQLException {
    Map<String, RequestOutcome> outcomes = new HashMap<>();
    Set<BatchPlanner.RowKey> present = new HashSet<>();
    List<String> parts = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    if (!lookup.requestIds().isEmpty()) {
      parts.add(RequestOutcomes.unionPart(lookup.requestIds().size()));
      params.addAll(lookup.requestIds());
    }
    Map<String, List<Object>> byTable = new LinkedHashMap<>();
    Map<String, UserTable> tables = new HashMap<>();
    for (BatchPlanner.RowKey k : lookup.keys()) {
      byTable.computeIfAbsent(k.table(), t -> new ArrayList<>()).add(k.key());
    }
    for (Map.Entry<String, List<Object>> e : byTable.entrySet()) {
      UserTable table = e.getKey() == null ? first : new UserTable(lookup.tables().get(e.getKey()));
      tables.put(e.getKey(), table);
      List<Object> all = e.getValue();
      for (int from = 0; from < all.size(); from += UserTable.keysPerPart()) {
        List<Object> part = all.subList(from, Math.min(all.size(), from + UserTable.keysPerPart()));
        parts.add(table.existingKeysUnionPart(part.size(), e.getKey()));
        params.addAll(table.keyParams(part));
      }
    }
    if (parts.isEmpty()) {
      return new ShardStore.Known(outcomes, present);
    }
    try (PreparedStatement ps = c.prepareStatement(String.join(" UNION ALL ", parts))) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(1) == 0) {
            outcomes.put(
                rs.getString(2),
                new RequestOutcome(rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5)));
          } else {
            // A String or composite key's table makes the column text (UNION's common type):
            // each key is read back as its own table's key value.
            String tableName = rs.getString(2);
            UserTable table = tableName == null ? first : tables.get(tableName);
            present.add(new BatchPlanner.RowKey(tableName, table.keyFromText(rs.getString(3))));
          }
        }
      }
    }
    return new ShardStore.Known(outcomes, present);
  }
}
