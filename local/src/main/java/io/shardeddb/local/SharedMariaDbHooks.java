package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.Labels;
import io.shardeddb.api.MysqlParameters;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points shard-servers at the shared MariaDB (a database per pod, so a pod's "volume" survives its
 * process restarting) and routers at the in-process API.
 */
final class SharedMariaDbHooks implements PodHooks {
  // Logged under LocalCluster, as when this was its inner class.
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  private final EmbeddedMariaDb mariadb;
  private final PodMariaDbs ownServers;
  private final LocalKubernetes kube;

  SharedMariaDbHooks(EmbeddedMariaDb mariadb, PodMariaDbs ownServers, LocalKubernetes kube) {
    this.mariadb = mariadb;
    this.ownServers = ownServers;
    this.kube = kube;
  }

  /**
   * The pod's own server when its database asks for one ({@link PodMariaDbs#ANNOTATION}) or it had
   * one before; empty: the shared one.
   */
  private Optional<PodMariaDbs.Server> ownServerOf(Pod pod) {
    String name = pod.getMetadata().getName();
    Optional<PodMariaDbs.Server> own = ownServers.existing(name);
    if (own.isPresent()) {
      return own;
    }
    ShardedDatabase db = databaseOf(pod);
    return db != null && PodMariaDbs.perPod(db.getMetadata().getAnnotations())
        ? Optional.of(ownServers.of(name))
        : Optional.empty();
  }

  /** The running server a pod stores into (waiting for its own server's start). */
  private EmbeddedMariaDb serverOf(Pod pod) {
    return ownServerOf(pod).map(PodMariaDbs.Server::await).orElse(mariadb);
  }

  /** The MySQL database name that holds a pod's data. */
  static String databaseOf(String pod) {
    return "sdb_" + pod.replaceAll("[^A-Za-z0-9_]", "_");
  }

  @Override
  public Map<String, String> envOverrides(Pod pod, String component, String podIp) {
    Map<String, String> env = new HashMap<>(componentOverrides(pod, component));
    env.putAll(logOverrides(databaseOf(pod)));
    return env;
  }

  /**
   * Local mode logs plain text by default: a person reads the pods' log files. The operator renders
   * JSON unless the database's {@code spec.logging.format} says otherwise, so only a database that
   * names no format is switched to plain; one that names a format keeps it.
   */
  static Map<String, String> logOverrides(ShardedDatabase db) {
    String format =
        db == null || db.getSpec() == null ? null : db.getSpec().loggingOrDefault().format();
    return format == null ? Map.of(LOG_FORMAT, LOCAL_LOG_FORMAT) : Map.of();
  }

  /** The environment variable of the log format (SettingsTable) and local mode's default. */
  static final String LOG_FORMAT = "SHARDEDDB_LOG_FORMAT";

  static final String LOCAL_LOG_FORMAT = "plain";

  /** The pod's ShardedDatabase (by its instance label), or null when it is gone. */
  private ShardedDatabase databaseOf(Pod pod) {
    String name =
        pod.getMetadata().getLabels() == null
            ? null
            : pod.getMetadata().getLabels().get(Labels.INSTANCE);
    if (name == null) {
      return null;
    }
    return kube.client()
        .resources(ShardedDatabase.class)
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(name)
        .get();
  }

  private Map<String, String> componentOverrides(Pod pod, String component) {
    return switch (component) {
      case "shard-server" ->
          shardServerOverrides(
              pod,
              ownServerOf(pod).map(PodMariaDbs.Server::jdbcUrl).orElse(mariadb.jdbcUrl()),
              mariadb);
      case "router" -> Map.of("KUBECONFIG", kube.kubeconfig().toString());
      default -> Map.of();
    };
  }

  /** Every server local mode starts has the shared one's user and password. */
  private static Map<String, String> shardServerOverrides(
      Pod pod, String jdbcUrl, EmbeddedMariaDb server) {
    return Map.of(
        "SHARDEDDB_JDBC_URL", jdbcUrl,
        "SHARDEDDB_JDBC_USER", server.user(),
        "SHARDEDDB_JDBC_PASSWORD", server.password(),
        // The pod's MySQL Secret is not the shared server's: no file, no rotation here.
        "SHARDEDDB_JDBC_CREDENTIALS_DIR", "",
        "SHARDEDDB_DATABASE", databaseOf(pod.getMetadata().getName()));
  }

  /**
   * A shard pod's MySQL parameters ({@code spec.mysql.parameters}, the operator's arguments of its
   * mysql container) set on the shared MariaDB at run time, as mysqld would take them at start in a
   * real pod. The server is shared: the last database started wins, and a variable that cannot
   * change at run time is only reported.
   */
  @Override
  public void beforeStart(Pod pod, String component) {
    if (!"shard-server".equals(component)) {
      return;
    }
    Map<String, String> parameters =
        pod.getSpec().getContainers().stream()
            .filter(c -> "mysql".equals(c.getName()))
            .findFirst()
            .map(c -> MysqlParameters.fromServerArgs(c.getArgs()))
            .orElse(Map.of());
    if (parameters.isEmpty()) {
      return;
    }
    Optional<PodMariaDbs.Server> own = ownServerOf(pod);
    if (own.isPresent()) {
      // Set once its own server runs (it starts beside the shard-server, as a mysql container).
      own.get().started().thenAccept(server -> setParameters(pod, server, parameters));
      return;
    }
    setParameters(pod, mariadb, parameters);
  }

  private static void setParameters(
      Pod pod, EmbeddedMariaDb server, Map<String, String> parameters) {
    try {
      server.setGlobalVariables(parameters);
      LOG.info("pod {}: MySQL parameters {} set", pod.getMetadata().getName(), parameters);
    } catch (RuntimeException e) {
      LOG.warn(
          "pod {}: MySQL parameters {} not applied to the shared MariaDB: {}",
          pod.getMetadata().getName(),
          parameters,
          e.getMessage());
    }
  }

  @Override
  public void wipeVolume(Pod pod) {
    String db = databaseOf(pod.getMetadata().getName());
    EmbeddedMariaDb server = serverOf(pod);
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS `" + db + "`");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot wipe " + db + ": " + e.getMessage(), e);
    }
  }
}
