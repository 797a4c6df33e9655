package io.shardeddb.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardeddb.protocol.schema.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * The alternatives on the same MariaDB server: one database over a plain pool, and
 * ShardingSphere-JDBC routing to {@code shards} databases by {@code Stud_id % shards}; and the same
 * pool on the primary of MariaDB's own semi-synchronous copies ({@link SemiSyncMariaDb}).
 */
final class Baselines {
  static final String DIRECT_DB = "bench_direct";
  static final String SHARDING_DB_PREFIX = "bench_ss_";
  static final String SEMISYNC_DB = "bench_semisync";
  private static final String URL_OPTIONS = "?useSSL=false&allowPublicKeyRetrieval=true";

  /**
   * TLS to MariaDB (11.4 serves it with a certificate it generates at start), encrypted but not
   * verified: the server's certificate is self-signed and no CA is at hand.
   */
  private static final String TLS_URL_OPTIONS = "?sslMode=REQUIRED&allowPublicKeyRetrieval=true";

  private final MariaDbServer server;
  private final Path workDir;

  Baselines(MariaDbServer server, Path workDir) {
    this.server = server;
    this.workDir = workDir;
  }

  /** A fresh, empty table in one database, behind a pool of {@code clients} connections. */
  JdbcTarget direct(int clients) throws SQLException {
    return direct(clients, false);
  }

  /** As {@link #direct(int)}, every connection over TLS when {@code tls}. */
  JdbcTarget direct(int clients, boolean tls) throws SQLException {
    return pooled(server, DIRECT_DB, clients, tls ? "direct-tls" : "direct", tls);
  }

  /**
   * The same table on the primary of MariaDB's own three copies (the replicas get it through
   * replication), behind a pool of {@code clients} connections: every commit waits for a replica.
   */
  static JdbcTarget semiSync(SemiSyncMariaDb copies, int clients) throws SQLException {
    return pooled(copies.primary(), SEMISYNC_DB, clients, "semisync", false);
  }

  private static JdbcTarget pooled(
      MariaDbServer on, String database, int clients, String name, boolean tls)
      throws SQLException {
    recreate(on, database);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(on.baseUrl() + database + urlOptions(tls));
    config.setUsername(on.user());
    config.setPassword(on.password());
    config.setMaximumPoolSize(clients);
    config.setMinimumIdle(clients);
    config.setPoolName(name);
    HikariDataSource pool = new HikariDataSource(config);
    return new JdbcTarget(pool, pool);
  }

  /** Fresh, empty tables in {@code shards} databases, routed by ShardingSphere-JDBC. */
  JdbcTarget shardingSphere(int shards, int clients) throws SQLException, IOException {
    for (int i = 0; i < shards; i++) {
      recreate(server, SHARDING_DB_PREFIX + i);
    }
    Path yaml = workDir.resolve("shardingsphere-" + shards + ".yaml");
    Files.createDirectories(workDir);
    Files.writeString(yaml, shardingYaml(shards, clients));
    DataSource ds = YamlShardingSphereDataSourceFactory.createDataSource(yaml.toFile());
    return new JdbcTarget(ds, (AutoCloseable) ds);
  }

  /** ShardingSphere's YAML: one Hikari pool per database, inline sharding on the key. */
  String shardingYaml(int shards, int clients) {
    StringBuilder y = new StringBuilder();
    y.append("databaseName: bench_sharding\n");
    y.append("mode:\n  type: Standalone\n  repository:\n    type: JDBC\n");
    y.append("dataSources:\n");
    for (int i = 0; i < shards; i++) {
      y.append("  ds_").append(i).append(":\n");
      y.append("    dataSourceClassName: com.zaxxer.hikari.HikariDataSource\n");
      y.append("    driverClassName: com.mysql.cj.jdbc.Driver\n");
      y.append("    jdbcUrl: ")
          .append(server.baseUrl())
          .append(SHARDING_DB_PREFIX)
          .append(i)
          .append(URL_OPTIONS)
          .append('\n');
      y.append("    username: ").append(server.user()).append('\n');
      y.append("    password: '").append(server.password()).append("'\n");
      // Each client may land on any shard, so each shard's pool gets a connection per client.
      y.append("    maximumPoolSize: ").append(clients).append('\n');
    }
    y.append("rules:\n- !SHARDING\n  tables:\n    ").append(Rows.TABLE).append(":\n");
    y.append("      actualDataNodes: ds_${0..")
        .append(shards - 1)
        .append("}.")
        .append(Rows.TABLE)
        .append('\n');
    y.append("      databaseStrategy:\n        standard:\n");
    y.append("          shardingColumn: ").append(Rows.KEY).append('\n');
    y.append("          shardingAlgorithmName: by_key\n");
    y.append("  shardingAlgorithms:\n    by_key:\n      type: INLINE\n      props:\n");
    y.append("        algorithm-expression: ds_${")
        .append(Rows.KEY)
        .append(" % ")
        .append(shards)
        .append("}\n");
    y.append("props:\n  sql-show: false\n");
    return y.toString();
  }

  /** The JDBC URL's options: over TLS or not. */
  static String urlOptions(boolean tls) {
    return tls ? TLS_URL_OPTIONS : URL_OPTIONS;
  }

  private static void recreate(MariaDbServer server, String database) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                server.baseUrl() + URL_OPTIONS, server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS `" + database + "`");
      st.execute("CREATE DATABASE `" + database + "`");
      st.execute(
          "CREATE TABLE `"
              + database
              + "`."
              + Rows.TABLE
              + " ("
              + Rows.KEY
              + " "
              + ColumnType.Number.sqlType()
              + " PRIMARY KEY, "
              + Rows.NAME
              + " "
              + ColumnType.String.sqlType()
              + ", "
              + Rows.MARKS
              + " "
              + ColumnType.Number.sqlType()
              + ")");
    }
  }
}
