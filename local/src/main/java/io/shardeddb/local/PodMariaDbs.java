package io.shardeddb.local;

import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server of its own for each shard-server pod of a database that asks for one ({@link
 * #ANNOTATION}), as a real pod's mysql container: the fault matrix kills and restarts one pod's
 * server under its live shard-server ({@link LocalCluster#restartMysql}). Each server keeps its
 * data under {@code <dataDir>/<pod>} for the cluster's life (the pod's "volume" survives the pod's
 * restarts) and runs the binaries the shared server unpacked. Other databases' pods use the shared
 * server.
 */
final class PodMariaDbs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodMariaDbs.class);

  /**
   * On a ShardedDatabase: {@code "per-pod"} gives each of its shard-server pods its own MariaDB
   * server (local mode only; a cluster's pods always have their own mysql container).
   */
  public static final String ANNOTATION = "local.shardeddb.io/mysql";

  public static final String PER_POD = "per-pod";

  private final Path dataDir;
  private final Path baseDir;
  private final Map<String, EmbeddedMariaDb> byPod = new ConcurrentHashMap<>();

  PodMariaDbs(Path dataDir, Path baseDir) {
    this.dataDir = dataDir;
    this.baseDir = baseDir;
  }

  /** Whether a database's annotations ask for a server per pod. */
  static boolean perPod(Map<String, String> annotations) {
    return annotations != null && PER_POD.equals(annotations.get(ANNOTATION));
  }

  /** The pod's server, started (with its data kept from earlier) on first use. */
  EmbeddedMariaDb of(String pod) {
    return byPod.computeIfAbsent(
        pod,
        p -> {
          long started = System.nanoTime();
          EmbeddedMariaDb db = EmbeddedMariaDb.start(dataDir.resolve(p), baseDir, 0);
          LOG.info(
              "pod {}: its own MariaDB on port {} (started in {} ms)",
              p,
              db.port(),
              (System.nanoTime() - started) / 1_000_000);
          return db;
        });
  }

  /** The pod's server if it has one. */
  Optional<EmbeddedMariaDb> existing(String pod) {
    return Optional.ofNullable(byPod.get(pod));
  }

  @Override
  public void close() {
    byPod.forEach(
        (pod, db) -> {
          try {
            db.close();
          } catch (RuntimeException e) {
            LOG.warn("stopping pod {}'s MariaDB: {}", pod, e.toString());
          }
        });
    byPod.clear();
  }
}
