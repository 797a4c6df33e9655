package io.shardeddb.local;

import io.shardeddb.protocol.net.LoopbackPorts;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server of its own for each shard-server pod of a database that asks for one ({@link
 * #ANNOTATION}), as a real pod's mysql container: the fault matrix kills and restarts one pod's
 * server under its live shard-server ({@link LocalCluster#restartMysql}). Each server keeps its
 * data under {@code <dataDir>/<pod>} for the cluster's life (the pod's "volume" survives the pod's
 * restarts), runs the binaries the shared server unpacked, and starts from a copy of one data
 * directory installed once.
 *
 * <p>A server starts in the background on a port chosen first, as a pod's mysql container starts
 * beside its shard-server: the shard-server gets the address at once and waits for it to accept
 * connections (ConnectionPool's start-up wait), and the pod runner is not held for the 5–30 s a
 * MariaDB start takes on a loaded machine.
 */
final class PodMariaDbs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodMariaDbs.class);

  /**
   * On a ShardedDatabase: {@code "per-pod"} gives each of its shard-server pods its own MariaDB
   * server (local mode only; a cluster's pods always have their own mysql container).
   */
  public static final String ANNOTATION = "local.shardeddb.io/mysql";

  public static final String PER_POD = "per-pod";

  /** A pod's server: its port, known at once, and the server once started. */
  record Server(int port, CompletableFuture<EmbeddedMariaDb> started) {
    String jdbcUrl() {
      return EmbeddedMariaDb.jdbcUrl(port);
    }

    /** The running server, waiting for its start. */
    EmbeddedMariaDb await() {
      return started.join();
    }
  }

  private final Path dataDir;
  private final Path baseDir;
  private final Map<String, Server> byPod = new ConcurrentHashMap<>();

  PodMariaDbs(Path dataDir, Path baseDir) {
    this.dataDir = dataDir;
    this.baseDir = baseDir;
  }

  /** Whether a database's annotations ask for a server per pod. */
  static boolean perPod(Map<String, String> annotations) {
    return annotations != null && PER_POD.equals(annotations.get(ANNOTATION));
  }

  /** The pod's server, its start begun (with its data kept from earlier) on first use. */
  Server of(String pod) {
    return byPod.computeIfAbsent(pod, this::begin);
  }

  private Server begin(String pod) {
    int port;
    try {
      port = LoopbackPorts.free();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for pod " + pod + "'s MariaDB", e);
    }
    long begun = System.nanoTime();
    CompletableFuture<EmbeddedMariaDb> started =
        CompletableFuture.supplyAsync(
            () -> {
              EmbeddedMariaDb db =
                  EmbeddedMariaDb.start(dataDir.resolve(pod), baseDir, port, template());
              LOG.info(
                  "pod {}: its own MariaDB on port {} (started in {} ms)",
                  pod,
                  port,
                  (System.nanoTime() - begun) / 1_000_000);
              return db;
            },
            runnable -> {
              Thread t = new Thread(runnable, "mariadb-start-" + pod);
              t.setDaemon(true);
              t.start();
            });
    started.exceptionally(
        e -> {
          LOG.error("pod {}: its MariaDB did not start: {}", pod, e.toString());
          return null;
        });
    return new Server(port, started);
  }

  /**
   * An installed, never started data directory the pods' servers start from as copies: {@code
   * mariadb-install-db} runs once (two at once over one base directory fail), not once per pod.
   */
  private synchronized Path template() {
    Path template = dataDir.resolve(".template");
    Path done = dataDir.resolve(".template-installed");
    if (!Files.exists(done)) {
      EmbeddedMariaDb.install(template, baseDir);
      try {
        Files.createFile(done);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return template;
  }

  /**
   * Kills the pod's server with SIGKILL, leaves it down for {@code down}, starts it again; returns
   * once it accepts connections. A pod without a server of its own is refused: killing the shared
   * server would hit every pod.
   */
  void restart(String pod, Duration down) throws InterruptedException {
    EmbeddedMariaDb server =
        existing(pod)
            .map(Server::await)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "pod "
                            + pod
                            + " has no MariaDB of its own (annotate its ShardedDatabase "
                            + ANNOTATION
                            + ": "
                            + PER_POD
                            + ")"));
    server.kill();
    LOG.info("pod {}: its MariaDB killed (SIGKILL); down for {} ms", pod, down.toMillis());
    Thread.sleep(down.toMillis());
    server.startAgain();
    LOG.info("pod {}: its MariaDB started again", pod);
  }

  /** The pod's server if it has one. */
  Optional<Server> existing(String pod) {
    return Optional.ofNullable(byPod.get(pod));
  }

  @Override
  public void close() {
    byPod.forEach(
        (pod, server) -> {
          try {
            server.await().close();
          } catch (RuntimeException e) {
            LOG.warn("stopping pod {}'s MariaDB: {}", pod, e.toString());
          }
        });
    byPod.clear();
  }
}
