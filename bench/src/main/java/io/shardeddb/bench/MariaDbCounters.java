package io.shardeddb.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What MariaDB did for a target's operations, from its own counters ({@code SHOW GLOBAL STATUS}):
 * redo-log syncs, statements by kind, commits, and whether semi-synchronous commits waited for a
 * replica. Read before and after each measured phase (outside its CPU bracket) over one connection
 * kept per server, so the reading itself adds no connection's set-up queries; summed over the
 * target's servers (one for every target but {@code mariadb-semisync}, which has three).
 */
final class MariaDbCounters {
  /**
   * The counters read, in the order the tables show them. MariaDB 10.8 and later (local mode's is
   * 11.4) no longer have {@code Innodb_os_log_fsyncs}: a server without a counter shows "-", and
   * {@code Innodb_data_fsyncs} (every InnoDB file sync, the redo log's included) and {@code Syncs}
   * (the server's other syncs: the binary log with {@code sync_binlog=1}) stand for it.
   */
  static final List<String> NAMES =
      List.of(
          "Innodb_os_log_fsyncs",
          "Innodb_data_fsyncs",
          "Syncs",
          "Com_insert",
          "Com_select",
          "Com_commit",
          "Rpl_semi_sync_master_yes_tx",
          "Rpl_semi_sync_master_no_tx");

  /** The counters' values at one moment (or their difference), summed over the servers. */
  record Reading(Map<String, Long> values) {
    static Reading none() {
      return new Reading(Map.of());
    }

    Reading minus(Reading earlier) {
      Map<String, Long> d = new LinkedHashMap<>();
      values.forEach((k, v) -> d.put(k, v - earlier.values.getOrDefault(k, 0L)));
      return new Reading(d);
    }

    Reading plus(Reading other) {
      Map<String, Long> d = new LinkedHashMap<>(values);
      other.values.forEach((k, v) -> d.merge(k, v, Long::sum));
      return new Reading(d);
    }

    /** Each counter per operation, in {@link #NAMES} order; empty without operations. */
    Map<String, Double> perOp(int ops) {
      Map<String, Double> out = new LinkedHashMap<>();
      if (ops > 0) {
        for (String n : NAMES) {
          if (values.containsKey(n)) {
            out.put(n, values.get(n) / (double) ops);
          }
        }
      }
      return out;
    }
  }

  /** One phase's counters: a target's measured runs of it summed, with their operations. */
  record Usage(String suite, String target, String phase, int ops, Reading counters) {
    Map<String, Double> perOp() {
      return counters.perOp(ops);
    }
  }

  /** A kept connection to each server of a target. */
  static final class Probe implements AutoCloseable {
    private final List<Connection> connections = new ArrayList<>();

    Probe(List<MariaDbServer> servers) throws SQLException {
      try {
        for (MariaDbServer s : servers) {
          connections.add(
              DriverManager.getConnection(
                  s.baseUrl() + "?useSSL=false&allowPublicKeyRetrieval=true",
                  s.user(),
                  s.password()));
        }
      } catch (SQLException e) {
        close();
        throw e;
      }
    }

    /** The counters now, summed over the servers. */
    Reading read() {
      Reading sum = new Reading(Map.of());
      for (Connection c : connections) {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(statusQuery())) {
          Map<String, Long> one = new LinkedHashMap<>();
          while (rs.next()) {
            one.put(canonical(rs.getString(1)), Long.parseLong(rs.getString(2).trim()));
          }
          sum = sum.plus(new Reading(one));
        } catch (SQLException | NumberFormatException e) {
          throw new IllegalStateException("cannot read MariaDB's status counters: " + e, e);
        }
      }
      return sum;
    }

    @Override
    public void close() {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException e) {
          // Closing a probe's connection at the end of a target: nothing left to do.
        }
      }
    }
  }

  /** {@code SHOW GLOBAL STATUS} for exactly {@link #NAMES} (constants: nothing from outside). */
  static String statusQuery() {
    return "SHOW GLOBAL STATUS WHERE Variable_name IN ("
        + String.join(", ", NAMES.stream().map(n -> "'" + n + "'").toList())
        + ")";
  }

  /** MariaDB answers in the case it keeps; the tables use {@link #NAMES}' spelling. */
  static String canonical(String name) {
    return NAMES.stream()
        .filter(n -> n.equalsIgnoreCase(name))
        .findFirst()
        .orElse(name.toLowerCase(Locale.ROOT));
  }

  /** The counters per operation of every phase, in Markdown. */
  static String table(List<Usage> usages) {
    if (usages.isEmpty()) {
      return "";
    }
    StringBuilder md =
        new StringBuilder(
            "\n### MariaDB per operation (SHOW GLOBAL STATUS deltas, measured runs summed,"
                + " over the target's servers)\n\n| target | phase | ops |");
    NAMES.forEach(n -> md.append(' ').append(n).append(" |"));
    md.append("\n|---|---|---|");
    NAMES.forEach(n -> md.append("---|"));
    md.append('\n');
    for (Usage u : usages) {
      md.append("| ").append(u.target()).append(" | ").append(u.phase()).append(" | ");
      md.append(u.ops()).append(" |");
      Map<String, Double> per = u.perOp();
      for (String n : NAMES) {
        md.append(' ')
            .append(per.containsKey(n) ? String.format(Locale.ROOT, "%.3f", per.get(n)) : "-")
            .append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }
}
