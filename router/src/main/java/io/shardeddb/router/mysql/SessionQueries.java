package io.shardeddb.router.mysql;

import io.shardeddb.protocol.schema.Column;
import io.shardeddb.protocol.schema.TableSchema;
import io.shardeddb.protocol.schema.TableSet;
import io.shardeddb.router.sql.Predicate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements clients and connectors send about the session rather than the data, answered here
 * without touching a shard: {@code SELECT @@var [AS a], DATABASE(), USER(), VERSION(), 1}, session
 * {@code SET}s (accepted and ignored: the router has one character set, utf8mb4, and every
 * statement commits on its own), {@code SHOW VARIABLES / WARNINGS / DATABASES / TABLES / COLUMNS}
 * and {@code DESCRIBE} (and {@code EXPLAIN t}, MySQL's synonym of it). Anything else is not a
 * session query (empty): it goes to the SQL path. Pure: the session's facts come in as a {@link
 * Context}.
 */
final class SessionQueries {
  /** The version clients see: MySQL 8.0's protocol and variables, served by ShardedDB. */
  static final String VERSION = "8.0.36-shardeddb";

  /**
   * The database's name, the one in use ({@code null}: none), its tables ({@code null}: not
   * configured yet), the user, the connection.
   */
  record Context(
      String database,
      String current,
      TableSet tables,
      String user,
      long connectionId,
      long lastInsertId) {
    /** A database of one table, {@code schema} (null: none yet). */
    Context(
        String database,
        String current,
        TableSchema schema,
        String user,
        long connectionId,
        long lastInsertId) {
      this(
          database,
          current,
          schema == null ? null : new TableSet(schema, List.of()),
          user,
          connectionId,
          lastInsertId);
    }

    Context(String database, String current, TableSchema schema, String user, long connectionId) {
      this(database, current, schema, user, connectionId, 0);
    }

    /** The table named {@code name} (ignoring case), or null. */
    TableSchema table(String name) {
      return tables == null ? null : tables.tableOrNull(name);
    }
  }

  private static final Map<String, String> VARIABLES = variables();

  private static final Pattern SELECT = Pattern.compile("(?is)select\\s+(.+?)(?:\\s+limit\\s+1)?");
  private static final Pattern ITEM =
      Pattern.compile(
          "(?is)\\s*(@@(?:session\\.|local\\.|global\\.)?([a-z_0-9]+)|([a-z_]+)\\s*\\(\\s*\\)"
              + "|(-?\\d+)|'([^'\\\\]*)')"
              + "(?:\\s+(?:as\\s+)?(?:`([^`]+)`|'([^']*)'|\"([^\"]*)\"|([a-z_0-9]+)))?\\s*");
  private static final Pattern SET = Pattern.compile("(?is)set\\s+(.*)");
  private static final Pattern PRIVILEGED_SET =
      Pattern.compile("(?is)(global|persist|persist_only|password|@@global\\.|@@persist)\\b.*");
  private static final Pattern SHOW_VARIABLES =
      Pattern.compile(
          "(?is)show\\s+(?:session\\s+|global\\s+|local\\s+)?variables"
              + "(?:\\s+like\\s+'([^']*)'|\\s+where\\s+(.*))?");
  private static final Pattern SHOW_WARNINGS = Pattern.compile("(?is)show\\s+(warnings|errors)");
  private static final Pattern SHOW_DATABASES = Pattern.compile("(?is)show\\s+(databases|schemas)");
  private static final Pattern SHOW_TABLES = Pattern.compile("(?is)show\\s+(full\\s+)?tables");
  private static final Pattern SHOW_COLUMNS =
      Pattern.compile(
          "(?is)(?:show\\s+(?:full\\s+)?(?:columns|fields)\\s+from|describe|desc|explain)\\s+`?([a-z_0-9]+)`?");
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");

  private SessionQueries() {}

  /** The answer to {@code sql} (comments and a final ';' already removed), or empty. */
  static Optional<MysqlReply> answer(String sql, Context ctx) {
    Matcher m;
    if ((m = SELECT.matcher(sql)).matches()) {
      return select(m.group(1), ctx);
    }
    if ((m = SET.matcher(sql)).matches()) {
      if (PRIVILEGED_SET.matcher(m.group(1)).matches()) {
        return Optional.of(
            MysqlReply.Error.of(
                1227,
                "42000",
                "Access denied; you need (at least one of) the SUPER privilege(s) for this"
                    + " operation (ShardedDB accepts session settings only)"));
      }
      return Optional.of(new MysqlReply.Ok(0, ""));
    }
    if ((m = SHOW_VARIABLES.matcher(sql)).matches()) {
      return Optional.of(showVariables(m.group(1), m.group(2)));
    }
    if (SHOW_WARNINGS.matcher(sql).matches()) {
      return Optional.of(
          new MysqlReply.ResultSet(
              List.of(
                  ColumnDefinition.text("", "", "Level", 7),
                  ColumnDefinition.longlong("", "", "Code"),
                  ColumnDefinition.text("", "", "Message", 512)),
              List.of()));
    }
    if (SHOW_DATABASES.matcher(sql).matches()) {
      return Optional.of(oneColumn("Database", List.of(ctx.database())));
    }
    if (SHOW_TABLES.matcher(sql).matches()) {
      if (ctx.current() == null) {
        return Optional.of(noDatabase());
      }
      return Optional.of(
          oneColumn(
              "Tables_in_" + ctx.database(),
              ctx.tables() == null
                  ? List.of()
                  : ctx.tables().all().stream().map(TableSchema::table).toList()));
    }
    if ((m = SHOW_COLUMNS.matcher(sql)).matches()) {
      return Optional.of(columns(m.group(1), ctx));
    }
    return Optional.empty();
  }

  static MysqlReply.Error noDatabase() {
    return MysqlReply.Error.of(1046, "3D000", "No database selected");
  }

  private static Optional<MysqlReply> select(String items, Context ctx) {
    List<ColumnDefinition> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    Matcher m = ITEM.matcher(items);
    int at = 0;
    while (at < items.length()) {
      m.region(at, items.length());
      if (!m.lookingAt()) {
        return Optional.empty();
      }
      String label = firstNonNull(m.group(6), m.group(7), m.group(8), m.group(9));
      String value;
      if (m.group(2) != null) {
        String name = m.group(2).toLowerCase(Locale.ROOT);
        if (!VARIABLES.containsKey(name)) {
          return Optional.of(
              MysqlReply.Error.of(1193, "HY000", "Unknown system variable '" + name + "'"));
        }
        value = VARIABLES.get(name);
      } else if (m.group(3) != null) {
        Optional<String> f = function(m.group(3).toLowerCase(Locale.ROOT), ctx);
        if (f == null) {
          return Optional.empty();
        }
        value = f.orElse(null);
      } else {
        value = m.group(4) != null ? m.group(4) : m.group(5);
      }
      String name = label != null ? label : m.group(1).trim();
      columns.add(
          value != null && value.matches("-?\\d{1,18}")
              ? ColumnDefinition.longlong("", "", name)
              : ColumnDefinition.text("", "", name, 256));
      values.add(value);
      at = m.end();
      if (at < items.length()) {
        if (items.charAt(at) != ',') {
          return Optional.empty();
        }
        at++;
      }
    }
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MysqlReply.ResultSet(columns, List.of(new TextRow(values))));
  }

  /** A session function's value (empty: NULL), or null when it is not one answered here. */
  private static Optional<String> function(String name, Context ctx) {
    return switch (name) {
      case "database", "schema" -> Optional.ofNullable(ctx.current());
      case "user", "session_user", "system_user" -> Optional.of(ctx.user() + "@%");
      case "current_user" -> Optional.of(ctx.user() + "@%");
      case "version" -> Optional.of(VERSION);
      case "connection_id" -> Optional.of(Long.toString(ctx.connectionId()));
      case "last_insert_id" -> Optional.of(Long.toString(ctx.lastInsertId()));
      default -> null;
    };
  }

  private static MysqlReply showVariables(String like, String where) {
    List<TextRow> rows = new ArrayList<>();
    List<String> named = new ArrayList<>();
    if (where != null) {
      Matcher q = QUOTED.matcher(where);
      while (q.find()) {
        named.add(q.group(1).toLowerCase(Locale.ROOT));
      }
    }
    Pattern pattern = like == null ? null : likePattern(like);
    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
      boolean shown =
          where != null
              ? named.contains(v.getKey())
              : pattern == null || pattern.matcher(v.getKey()).matches();
      if (shown) {
        rows.add(new TextRow(List.of(v.getKey(), v.getValue())));
      }
    }
    return new MysqlReply.ResultSet(
        List.of(
            ColumnDefinition.text("", "", "Variable_name", 64),
            ColumnDefinition.text("", "", "Value", 1024)),
        rows);
  }

  /** SQL LIKE as {@code SHOW VARIABLES LIKE} matches it: {@link Predicate#likeRegex}, any case. */
  static Pattern likePattern(String like) {
    return Pattern.compile(
        Predicate.likeRegex(like).pattern(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  }

  private static MysqlReply columns(String table, Context ctx) {
    TableSchema schema = ctx.table(table);
    if (schema == null) {
      return MysqlReply.Error.of(
          1146, "42S02", "Table '" + ctx.database() + "." + table + "' doesn't exist");
    }
    List<TextRow> rows = new ArrayList<>();
    for (Column c : schema.columns()) {
      boolean key = schema.isKeyColumn(c.name());
      rows.add(
          new TextRow(
              java.util.Arrays.asList(
                  c.name(),
                  // A String key is stored as VARCHAR(255) (binary collation): keys compare
                  // exactly.
                  key && c.type() == io.shardeddb.protocol.schema.ColumnType.String
                      ? "varchar(" + io.shardeddb.protocol.schema.ShardKeys.MAX_STRING_KEY + ")"
                      : c.type().sqlType().toLowerCase(Locale.ROOT),
                  key ? "NO" : "YES",
                  key ? "PRI" : "",
                  null,
                  "")));
    }
    return new MysqlReply.ResultSet(
        List.of(
            ColumnDefinition.text("", "", "Field", 64),
            ColumnDefinition.text("", "", "Type", 64),
            ColumnDefinition.text("", "", "Null", 3),
            ColumnDefinition.text("", "", "Key", 3),
            ColumnDefinition.text("", "", "Default", 64),
            ColumnDefinition.text("", "", "Extra", 64)),
        rows);
  }

  private static MysqlReply oneColumn(String name, List<String> values) {
    List<TextRow> rows = new ArrayList<>();
    for (String v : values) {
      rows.add(new TextRow(List.of(v)));
    }
    return new MysqlReply.ResultSet(List.of(ColumnDefinition.text("", "", name, 64)), rows);
  }

  private static String firstNonNull(String... s) {
    for (String x : s) {
      if (x != null) {
        return x;
      }
    }
    return null;
  }

  /**
   * The variables connectors read at connect (Connector/J's one SELECT of about twenty, the
   * clients' {@code @@version_comment}), with the values that describe this server truthfully:
   * utf8mb4, autocommit, UTC, no query cache, and the packet limit the router enforces.
   */
  private static Map<String, String> variables() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("auto_increment_increment", "1");
    v.put("auto_increment_offset", "1");
    v.put("autocommit", "1");
    v.put("character_set_client", "utf8mb4");
    v.put("character_set_connection", "utf8mb4");
    v.put("character_set_database", "utf8mb4");
    v.put("character_set_results", "utf8mb4");
    v.put("character_set_server", "utf8mb4");
    v.put("character_set_system", "utf8mb3");
    v.put("collation_connection", "utf8mb4_general_ci");
    v.put("collation_database", "utf8mb4_general_ci");
    v.put("collation_server", "utf8mb4_general_ci");
    v.put("init_connect", "");
    v.put("interactive_timeout", "28800");
    v.put("license", "Apache-2.0");
    v.put("lower_case_table_names", "0");
    v.put("max_allowed_packet", Integer.toString(MysqlConnection.MAX_PACKET));
    v.put("net_buffer_length", "16384");
    v.put("net_write_timeout", "60");
    v.put("performance_schema", "0");
    v.put("query_cache_size", "0");
    v.put("query_cache_type", "OFF");
    v.put("sql_mode", "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION");
    v.put("system_time_zone", "UTC");
    v.put("time_zone", "+00:00");
    v.put("transaction_isolation", "READ-COMMITTED");
    v.put("tx_isolation", "READ-COMMITTED");
    v.put("transaction_read_only", "0");
    v.put("tx_read_only", "0");
    v.put("version", VERSION);
    v.put("version_comment", "ShardedDB router (MySQL protocol)");
    v.put("version_compile_os", "Linux");
    v.put("wait_timeout", "28800");
    return v;
  }
}
