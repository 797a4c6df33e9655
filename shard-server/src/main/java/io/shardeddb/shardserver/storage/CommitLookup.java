package io.shardeddb.shardserver.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a group commit reads before it decides, in one round trip: the recorded outcomes of its
 * request ids ({@code request_ids}) and which of its keys already have a row (the user's table).
 */
final class CommitLookup {
  private CommitLookup() {}

  /**
   * Inside the group-commit transaction, in one round trip (one {@code UNION ALL}): the recorded
   * outcomes of {@code requestIds} (rule 8) and which of {@code keys} already have a row.
   */
  static ShardStore.Known lookUp(
      Connection c, UserTable table, Collection<String> requestIds, Collection<Long> keys)
      throws SQLException {
    Map<String, RequestOutcome> outcomes = new HashMap<>();
    Set<Long> present = new HashSet<>();
    List<String> parts = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    if (!requestIds.isEmpty()) {
      parts.add(RequestOutcomes.unionPart(requestIds.size()));
      params.addAll(requestIds);
    }
    List<Long> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += UserTable.keysPerPart()) {
      List<Long> part = all.subList(from, Math.min(all.size(), from + UserTable.keysPerPart()));
      parts.add(table.existingKeysUnionPart(part.size()));
      params.addAll(part);
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
            present.add(rs.getLong(3));
          }
        }
      }
    }
    return new ShardStore.Known(outcomes, present);
  }
}
