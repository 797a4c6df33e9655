package io.shardeddb.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which MySQL system variables {@code spec.mysql.parameters} may set, and how they reach mysqld:
 * tuning variables on an allow-list, each a separate {@code --name=value} argument (no shell, so a
 * value cannot add an option), names and values matched against strict patterns. The variables the
 * database's durability and replication rely on are refused with the reason. The CRD carries the
 * same lists as CEL rules (the constants below); the operator re-checks with {@link #problems}.
 */
public final class MysqlParameters {

  private MysqlParameters() {}

  /** A variable name: lower case, digits and underscores. */
  public static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");

  /** A value: letters, digits, {@code . _ + -}; nothing a shell or SQL would read as syntax. */
  public static final Pattern VALUE = Pattern.compile("^[A-Za-z0-9_.+-]{1,64}$");

  /** The tuning variables passed through, as a CEL list (one source for the CRD and the code). */
  public static final String ALLOWED_CEL_LIST =
      "['innodb_buffer_pool_size', 'innodb_io_capacity', 'innodb_io_capacity_max',"
          + " 'innodb_lock_wait_timeout', 'innodb_adaptive_hash_index',"
          + " 'innodb_print_all_deadlocks', 'max_connections', 'max_connect_errors',"
          + " 'max_allowed_packet', 'wait_timeout', 'interactive_timeout', 'lock_wait_timeout',"
          + " 'net_read_timeout', 'net_write_timeout', 'long_query_time', 'slow_query_log',"
          + " 'table_open_cache', 'table_definition_cache', 'thread_cache_size',"
          + " 'tmp_table_size', 'max_heap_table_size', 'sort_buffer_size', 'join_buffer_size',"
          + " 'read_buffer_size', 'read_rnd_buffer_size']";

  /** The variables refused because the safety rules depend on them, as a CEL list. */
  public static final String REFUSED_CEL_LIST =
      "['innodb_flush_log_at_trx_commit', 'innodb_doublewrite', 'innodb_flush_method',"
          + " 'sync_binlog', 'log_bin', 'skip_log_bin', 'binlog_format', 'autocommit',"
          + " 'sql_mode', 'transaction_isolation', 'tx_isolation', 'read_only',"
          + " 'super_read_only', 'bind_address', 'port', 'socket', 'skip_networking', 'datadir',"
          + " 'init_file', 'init_connect', 'skip_grant_tables', 'secure_file_priv', 'user',"
          + " 'plugin_load', 'plugin_load_add', 'plugin_dir']";

  public static final String NAMES_RULE =
      "!has(self.parameters) || self.parameters.all(k, k.matches('^[a-z][a-z0-9_]{0,63}$'))";
  public static final String NAMES_MESSAGE =
      "spec.mysql.parameters: names are MySQL system variables in lower case with underscores"
          + " (e.g. max_connections)";
  public static final String VALUES_RULE =
      "!has(self.parameters)"
          + " || self.parameters.all(k, self.parameters[k].matches('^[A-Za-z0-9_.+-]{1,64}$'))";
  public static final String VALUES_MESSAGE =
      "spec.mysql.parameters: values may hold only letters, digits and . _ + - (e.g. 256M, ON)";
  public static final String REFUSED_RULE =
      "!has(self.parameters) || !self.parameters.exists(k, k in " + REFUSED_CEL_LIST + ")";
  public static final String REFUSED_MESSAGE =
      "spec.mysql.parameters: innodb_flush_log_at_trx_commit, innodb_doublewrite, the binary"
          + " log, autocommit, sql_mode, isolation, read_only, networking, files and plugins are"
          + " set by ShardedDB: its durability and replication depend on them";
  public static final String ALLOWED_RULE =
      "!has(self.parameters) || self.parameters.all(k, k in " + ALLOWED_CEL_LIST + ")";
  public static final String ALLOWED_MESSAGE =
      "spec.mysql.parameters: only the tuning variables listed in docs/resource.md are passed"
          + " through";

  /** The allowed names. */
  public static final Set<String> ALLOWED = names(ALLOWED_CEL_LIST);

  /** Why each refused name is refused. */
  public static final Map<String, String> REFUSED = refusedReasons();

  private static Set<String> names(String celList) {
    return Arrays.stream(celList.substring(1, celList.length() - 1).split(","))
        .map(s -> s.strip().replace("'", ""))
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Map<String, String> refusedReasons() {
    String durability =
        "must stay as ShardedDB sets it: an acknowledged write must survive a crash of the"
            + " replica that holds it (every commit synced, no torn pages; DESIGN §5)";
    String binlog =
        "the binary log stays off: ShardedDB replicates through its own log, a binary log would"
            + " be an unread second copy of every write";
    String statements =
        "the shard-server's statements and transactions rely on the server's default";
    String roles = "the shard-server, not MySQL, decides which replica accepts writes";
    String network = "the shard-server reaches MySQL on 127.0.0.1:3306 only; the operator sets it";
    String files = "it would run or load code or files from outside the database";
    Map<String, String> reasons = new LinkedHashMap<>();
    for (String n :
        List.of("innodb_flush_log_at_trx_commit", "innodb_doublewrite", "innodb_flush_method")) {
      reasons.put(n, durability);
    }
    for (String n : List.of("sync_binlog", "log_bin", "skip_log_bin", "binlog_format")) {
      reasons.put(n, binlog);
    }
    for (String n : List.of("autocommit", "sql_mode", "transaction_isolation", "tx_isolation")) {
      reasons.put(n, statements);
    }
    for (String n : List.of("read_only", "super_read_only")) {
      reasons.put(n, roles);
    }
    for (String n : List.of("bind_address", "port", "socket", "skip_networking")) {
      reasons.put(n, network);
    }
    for (String n :
        List.of(
            "datadir",
            "init_file",
            "init_connect",
            "skip_grant_tables",
            "secure_file_priv",
            "user",
            "plugin_load",
            "plugin_load_add",
            "plugin_dir")) {
      reasons.put(n, files);
    }
    return Map.copyOf(reasons);
  }

  /** Every problem of {@code parameters}, each naming the parameter; empty when all are fine. */
  public static List<String> problems(Map<String, String> parameters) {
    List<String> problems = new ArrayList<>();
    if (parameters == null) {
      return problems;
    }
    for (Map.Entry<String, String> p : new TreeMap<>(parameters).entrySet()) {
      String name = p.getKey();
      String field = "spec.mysql.parameters." + name;
      if (name == null || !NAME.matcher(name).matches()) {
        problems.add(
            field + ": not a MySQL system variable name (lower case, digits, underscores)");
      } else if (REFUSED.containsKey(name)) {
        problems.add(field + " cannot be set: " + REFUSED.get(name));
      } else if (!ALLOWED.contains(name)) {
        problems.add(
            field
                + " is not passed through; the tuning variables accepted are "
                + ALLOWED.stream().sorted().toList());
      }
      if (p.getValue() == null || !VALUE.matcher(p.getValue()).matches()) {
        problems.add(
            field + ": the value may hold only letters, digits and . _ + - (e.g. 256M, ON)");
      }
    }
    return problems;
  }

  /**
   * The mysqld arguments for valid {@code parameters}, {@code --name=value} with the name as given
   * (underscores; the operator's own arguments use dashes), sorted by name so the pod template is
   * the same every pass. Throws on an invalid parameter: callers validate first.
   */
  public static List<String> serverArgs(Map<String, String> parameters) {
    List<String> problems = problems(parameters);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    List<String> args = new ArrayList<>();
    if (parameters != null) {
      new TreeMap<>(parameters).forEach((k, v) -> args.add("--" + k + "=" + v));
    }
    return args;
  }

  /**
   * The parameters in {@code args} as {@link #serverArgs} wrote them (local mode reads them from a
   * pod's mysql container); other arguments are skipped.
   */
  public static Map<String, String> fromServerArgs(List<String> args) {
    Map<String, String> parameters = new TreeMap<>();
    if (args == null) {
      return parameters;
    }
    for (String arg : args) {
      if (arg == null || !arg.startsWith("--")) {
        continue;
      }
      int eq = arg.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      if (ALLOWED.contains(name) && VALUE.matcher(value).matches()) {
        parameters.put(name, value);
      }
    }
    return parameters;
  }
}
