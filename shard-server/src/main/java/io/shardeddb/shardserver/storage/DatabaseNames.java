package io.shardeddb.shardserver.storage;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.schema.TableSchema;
import java.util.Locale;
import java.util.Set;

/** Derives and checks database names and points a server URL at one database. */
public final class DatabaseNames {
  /**
   * Prefix of the user's table in MySQL. The shard-server's own tables never start with it, so no
   * user table name (not even {@code shard_meta}) can reach them.
   */
  public static final String USER_TABLE_PREFIX = "user_";

  /**
   * Names the shard-server's own tables use or have used unprefixed; a legacy user table with one
   * of these names is never renamed, since it was the internal table all along.
   */
  static final Set<String> INTERNAL_TABLES =
      Set.of("shard_meta", "replication_log", "flyway_schema_history", "request_ids");

  private DatabaseNames() {}

  /** The MySQL name of the user's table {@code table} (a validated identifier). */
  public static String userTable(String table) {
    String name = USER_TABLE_PREFIX + table;
    if (name.length() > 64) {
      throw new InvalidRequestException(
          "table name '"
              + table
              + "' is longer than "
              + TableSchema.MAX_TABLE_NAME
              + " characters");
    }
    return name;
  }

  /**
   * Whether a table found under the user's bare name (as shard-servers before the prefix stored it)
   * should be renamed to the prefixed name.
   */
  public static boolean isLegacyUserTable(String table) {
    return !INTERNAL_TABLES.contains(table.toLowerCase(Locale.ROOT));
  }

  /** {@code shardeddb_<server name>} with every character outside [a-z0-9_] replaced by '_'. */
  public static String forServer(String serverName) {
    String name = "shardeddb_" + sanitize(serverName);
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  /** Lower-cases and replaces characters that are not letters, digits or '_' with '_'. */
  public static String sanitize(String raw) {
    return raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  /** Fails unless {@code name} is a plain identifier that is safe to quote. */
  public static String requireValid(String name) {
    if (!TableSchema.IDENTIFIER.matcher(name).matches()) {
      throw new InvalidRequestException(
          "database name '" + name + "' is not allowed (letters, digits and '_' only)");
    }
    return name;
  }

  /**
   * Replaces the database part of a {@code jdbc:mysql://host:port/[db][?params]} URL, keeping the
   * parameters.
   */
  public static String withDatabase(String serverUrl, String database) {
    String base = serverUrl;
    String query = "";
    int q = serverUrl.indexOf('?');
    if (q >= 0) {
      base = serverUrl.substring(0, q);
      query = serverUrl.substring(q);
    }
    int hostStart = base.indexOf("//");
    int slash = base.indexOf('/', hostStart < 0 ? 0 : hostStart + 2);
    String hostPart = slash < 0 ? base : base.substring(0, slash);
    return hostPart + "/" + database + query;
  }

  /**
   * The URL with TLS switched off when the server is on loopback (the embedded MariaDB, or the
   * MySQL sidecar in the same pod): TLS there protects nothing and costs a large share of the
   * shard-server's CPU (the benchmark profile). An explicit sslMode/useSSL in the URL wins.
   */
  public static String withoutTlsOnLoopback(String serverUrl) {
    String lower = serverUrl.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("sslmode=") || lower.contains("usessl=")) {
      return serverUrl;
    }
    int hostStart = lower.indexOf("//");
    if (hostStart < 0) {
      return serverUrl;
    }
    String rest = lower.substring(hostStart + 2);
    boolean loopback =
        rest.startsWith("127.") || rest.startsWith("localhost") || rest.startsWith("[::1]");
    if (!loopback) {
      return serverUrl;
    }
    return serverUrl + (serverUrl.indexOf('?') >= 0 ? "&" : "?") + "sslMode=DISABLED";
  }
}
