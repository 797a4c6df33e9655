package io.shardeddb.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

/**
 * The same rows over JDBC with autocommit: a plain pool on one MariaDB database (the ceiling) or a
 * ShardingSphere data source that routes the same statements to its shards.
 */
final class JdbcTarget implements Target {
  private static final String INSERT =
      "INSERT INTO "
          + Rows.TABLE
          + " ("
          + Rows.KEY
          + ", "
          + Rows.NAME
          + ", "
          + Rows.MARKS
          + ") VALUES (?, ?, ?)";
  private static final String SELECT =
      "SELECT "
          + Rows.KEY
          + ", "
          + Rows.NAME
          + ", "
          + Rows.MARKS
          + " FROM "
          + Rows.TABLE
          + " WHERE "
          + Rows.KEY
          + " = ?";

  private final DataSource dataSource;
  private final AutoCloseable owner;

  /** {@code owner} is closed with this target (the pool or the ShardingSphere data source). */
  JdbcTarget(DataSource dataSource, AutoCloseable owner) {
    this.dataSource = dataSource;
    this.owner = owner;
  }

  @Override
  public void write(long key) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(INSERT)) {
      st.setLong(1, key);
      st.setString(2, Rows.name(key));
      st.setLong(3, Rows.marks(key));
      if (st.executeUpdate() != 1) {
        throw new IllegalStateException("insert of " + key + " changed no row");
      }
    }
  }

  @Override
  public void read(long key) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(SELECT)) {
      st.setLong(1, key);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next() || rs.getLong(1) != key || !Rows.name(key).equals(rs.getString(2))) {
          throw new IllegalStateException("select of " + key + " did not return its row");
        }
        if (rs.next()) {
          throw new IllegalStateException("select of " + key + " returned more than one row");
        }
      }
    }
  }

  @Override
  public void close() throws Exception {
    owner.close();
  }
}
