package io.shardeddb.shardserver.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code request_ids} table, always used inside a caller's transaction. */
final class RequestOutcomes {
  private RequestOutcomes() {}

  static Map<String, RequestOutcome> find(Connection c, Collection<String> ids)
      throws SQLException {
    Map<String, RequestOutcome> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT request_id, lsn, status, message FROM request_ids WHERE request_id IN ("
                + marks
                + ")")) {
      int i = 1;
      for (String id : ids) {
        ps.setString(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), read(rs));
        }
      }
    }
    return out;
  }

  /** Records outcomes; a replayed entry overwrites its own earlier record. */
  static void save(Connection c, List<RequestOutcome> outcomes) throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO request_ids (request_id, lsn, status, message) VALUES (?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE lsn = VALUES(lsn), status = VALUES(status),"
                + " message = VALUES(message)")) {
      for (RequestOutcome o : outcomes) {
        ps.setString(1, o.requestId());
        ps.setLong(2, o.lsn());
        ps.setInt(3, o.status());
        ps.setString(4, o.message());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** As {@link #save}, added to statements sent in one round trip. */
  static void addSave(FoldedStatements folded, List<RequestOutcome> outcomes) throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    StringBuilder sql =
        new StringBuilder("INSERT INTO request_ids (request_id, lsn, status, message) VALUES ");
    List<Object> values = new ArrayList<>(outcomes.size() * 4);
    for (RequestOutcome o : outcomes) {
      sql.append(values.isEmpty() ? "" : ", ").append("(?, ?, ?, ?)");
      values.add(o.requestId());
      values.add(o.lsn());
      values.add(o.status());
      values.add(o.message());
    }
    sql.append(
        " ON DUPLICATE KEY UPDATE lsn = VALUES(lsn), status = VALUES(status),"
            + " message = VALUES(message)");
    folded.add(sql.toString(), values);
  }

  /**
   * A {@code SELECT} of the recorded outcomes of {@code ids} as five columns that line up with
   * {@link UserTable#existingKeysUnionPart} in a {@code UNION ALL}: {@code (0, id, lsn, status,
   * message)}.
   */
  static String unionPart(int ids) {
    return "SELECT 0, request_id, lsn, status, message FROM request_ids WHERE request_id IN ("
        + String.join(", ", java.util.Collections.nCopies(ids, "?"))
        + ")";
  }

  static void deleteUpTo(Connection c, long lsn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM request_ids WHERE lsn <= ?")) {
      ps.setLong(1, lsn);
      ps.executeUpdate();
    }
  }

  static void deleteAll(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM request_ids")) {
      ps.executeUpdate();
    }
  }

  static long count(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM request_ids");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static RequestOutcome read(ResultSet rs) throws SQLException {
    return new RequestOutcome(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4));
  }
}
