package io.shardeddb.local;

import static io.shardeddb.api.ShardedDatabaseResources.ROUTER_PORT;
import static io.shardeddb.api.ShardedDatabaseResources.SHARD_SERVER_PORT;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a container of a pod spec into the command that runs it on this machine: the image names
 * {@code shard-server} or {@code router} map to that module's runnable jar; any other container
 * (the MySQL sidecar) is not started, because local shard-servers share one embedded MariaDB. Pod
 * JVMs share an application class-data archive per jar ({@link ClassDataSharing}), which the first
 * pod of a fresh build trains.
 */
final class PodLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(PodLauncher.class);

  /** Small, fast-starting JVMs: a local cluster runs a dozen of them on two cores. */
  static final List<String> SMALL_JVM =
      List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  /** How long a trainer waits for its pod to listen (start-up under load took 78-91 s). */
  private static final Duration TRAINING_START_LIMIT = Duration.ofMinutes(10);

  /** After the pod listens: time for it to serve probes, pings and heartbeats (their classes). */
  private static final Duration TRAINING_SETTLE = Duration.ofSeconds(15);

  /** A runnable component: how to recognise its image, which jar runs it, the port it serves. */
  record Component(String imageMarker, Path jar, int port) {}

  /** Builds an archive in the background once its training pod has started. */
  interface Training {
    void start(Component component, Path archive, Path classList, String host);
  }

  /** A jar's content hash, remembered for as long as its size and modification time hold. */
  private record JarHash(long size, FileTime modified, String sha256) {}

  private final List<Component> components;
  private final Path javaBin;
  private final List<String> jvmOptions;
  private final boolean cds;
  private final Training training;
  private final Map<Path, JarHash> jarHashes = new ConcurrentHashMap<>();

  PodLauncher(Path projectHome, Path javaHome, List<String> jvmOptions) {
    this(
        projectHome,
        javaHome,
        jvmOptions,
        ClassDataSharing.enabled(System.getenv(ClassDataSharing.SETTING)));
  }

  PodLauncher(Path projectHome, Path javaHome, List<String> jvmOptions, boolean cds) {
    this(projectHome, javaHome, jvmOptions, cds, null);
  }

  /** {@code training} null: the real one (wait for the pod, dump, move into place). */
  PodLauncher(
      Path projectHome, Path javaHome, List<String> jvmOptions, boolean cds, Training training) {
    this.jvmOptions = List.copyOf(jvmOptions);
    this.cds = cds;
    this.training =
        training != null
            ? training
            : (component, archive, classList, host) ->
                Thread.ofVirtual()
                    .name("cds-training-" + component.imageMarker())
                    .start(() -> train(component, archive, classList, host));
    this.components =
        List.of(
            new Component(
                "shard-server",
                projectHome.resolve("shard-server/target/shard-server.jar"),
                SHARD_SERVER_PORT),
            new Component("router", projectHome.resolve("router/target/router.jar"), ROUTER_PORT));
    this.javaBin = javaHome.resolve("bin/java");
  }

  /**
   * The component that runs {@code container}, or empty when local mode does not run it: by its
   * image's name, else by the container's name (the operator names them {@code shard-server} and
   * {@code router}), so a per-database image ({@code spec.images}) with another name still runs.
   * Local mode always runs the jars built from this checkout, whatever the image.
   */
  Optional<Component> componentFor(Container container) {
    String image = container.getImage() == null ? "" : container.getImage();
    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
    return components.stream()
        .filter(c -> lastSegment.startsWith(c.imageMarker()))
        .findFirst()
        .or(
            () ->
                components.stream()
                    .filter(c -> c.imageMarker().equals(container.getName()))
                    .findFirst());
  }

  /** The command line for {@code component}, failing clearly when its jar has not been built. */
  List<String> command(Component component, Map<String, String> env) {
    if (!Files.isRegularFile(component.jar())) {
      throw new IllegalStateException(
          component.jar()
              + " is missing: build it with ./mvnw -B -DskipTests package (bin/kubectl-sdb does this"
              + " on first use)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin.toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(classDataSharing(component, env));
    cmd.add("-Dshardeddb.local.pod=" + env.getOrDefault("SHARDEDDB_LOCAL_POD", ""));
    cmd.add("-jar");
    cmd.add(component.jar().toString());
    return cmd;
  }

  /** The archive of {@code component}'s jar as it is now (in {@code <jar dir>/cds/}). */
  Path archiveOf(Component component) throws IOException {
    Path jar = component.jar();
    return cacheDir(jar)
        .resolve(
            ClassDataSharing.archiveName(
                jar.getFileName().toString(),
                sha256(jar),
                Files.getLastModifiedTime(jar).toMillis(),
                Runtime.version().toString()));
  }

  /**
   * The sharing flags of one launch. Any trouble (a read-only build directory, an unreadable jar)
   * means no flags: sharing only ever saves time, it never stops a pod.
   */
  private List<String> classDataSharing(Component component, Map<String, String> env) {
    if (!cds) {
      return List.of();
    }
    try {
      Path archive = archiveOf(component);
      boolean exists = Files.isRegularFile(archive);
      boolean claimed = !exists && claim(claimOf(archive));
      ClassDataSharing.Mode mode = ClassDataSharing.mode(true, exists, claimed);
      Path classList = archive.resolveSibling(archive.getFileName() + ".classlist");
      if (mode == ClassDataSharing.Mode.TRAIN) {
        Files.deleteIfExists(classList);
        String host = env.getOrDefault("MICRONAUT_SERVER_HOST", "127.0.0.1");
        training.start(component, archive, classList, host);
        LOG.info("{}: no class-data archive yet; this pod records one", component.imageMarker());
      }
      return ClassDataSharing.podFlags(mode, archive, classList);
    } catch (IOException | RuntimeException e) {
      LOG.info("{}: without class-data sharing ({})", component.imageMarker(), e.toString());
      return List.of();
    }
  }

  /**
   * Waits for the training pod to listen and settle, then dumps the archive from what its class
   * list holds by then, into a temporary file moved into place atomically (a reader never sees a
   * half-written archive), and clears out archives of the jar's earlier builds.
   */
  private void train(Component component, Path archive, Path classList, String host) {
    Path claim = claimOf(archive);
    Path tmp =
        archive.resolveSibling(archive.getFileName() + ".tmp" + ProcessHandle.current().pid());
    Path snapshot = archive.resolveSibling(archive.getFileName() + ".classlist.dump");
    try {
      if (!awaitListening(host, component.port(), Instant.now().plus(TRAINING_START_LIMIT))) {
        LOG.info("{}: training pod never listened; no archive", component.imageMarker());
        return;
      }
      Thread.sleep(TRAINING_SETTLE);
      // The pod keeps appending: dump from a copy cut at its last complete line.
      byte[] list = Files.readAllBytes(classList);
      int end = list.length;
      while (end > 0 && list[end - 1] != '\n') {
        end--;
      }
      Files.write(snapshot, java.util.Arrays.copyOf(list, end));
      List<String> cmd =
          ClassDataSharing.dumpCommand(javaBin, jvmOptions, component.jar(), snapshot, tmp);
      Path log = archive.resolveSibling(archive.getFileName() + ".dump.log");
      Process dump =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!dump.waitFor(10, TimeUnit.MINUTES)) {
        dump.destroyForcibly();
        LOG.info("{}: archive dump did not finish; no archive", component.imageMarker());
        return;
      }
      if (dump.exitValue() != 0 || !Files.isRegularFile(tmp)) {
        LOG.info(
            "{}: archive dump failed (exit {}, see {})",
            component.imageMarker(),
            dump.exitValue(),
            log);
        return;
      }
      Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(log);
      LOG.info("{}: class-data archive {} ready", component.imageMarker(), archive);
      removeStaleSiblings(component.jar(), archive);
    } catch (IOException e) {
      LOG.info("{}: no class-data archive: {}", component.imageMarker(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(snapshot);
      deleteQuietly(classList);
      deleteQuietly(claim);
    }
  }

  private static boolean awaitListening(String host, int port, Instant deadline)
      throws InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 1000);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(1000);
      }
    }
    return false;
  }

  /**
   * Claims the training of an archive with an atomically created file, so that of the pods (and
   * local clusters) starting together only one trains; a claim left by a dead CLI is taken over.
   */
  private static boolean claim(Path claim) throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.createFile(claim);
        return true;
      } catch (FileAlreadyExistsException taken) {
        Duration age;
        try {
          age = Duration.between(Files.getLastModifiedTime(claim).toInstant(), Instant.now());
        } catch (IOException goneMeanwhile) {
          continue;
        }
        if (!ClassDataSharing.abandoned(age)) {
          return false;
        }
        Files.deleteIfExists(claim);
      }
    }
    return false;
  }

  private static Path claimOf(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".training");
  }

  private static Path cacheDir(Path jar) throws IOException {
    Path dir = jar.toAbsolutePath().getParent().resolve("cds");
    Files.createDirectories(dir);
    return dir;
  }

  private void removeStaleSiblings(Path jar, Path archive) {
    String jarName = jar.getFileName().toString();
    String current = archive.getFileName().toString();
    try (Stream<Path> files = Files.list(archive.getParent())) {
      files
          .filter(f -> ClassDataSharing.staleSibling(f.getFileName().toString(), jarName, current))
          .forEach(PodLauncher::deleteQuietly);
    } catch (IOException e) {
      LOG.debug("stale archives not removed: {}", e.toString());
    }
  }

  private String sha256(Path jar) throws IOException {
    long size = Files.size(jar);
    FileTime modified = Files.getLastModifiedTime(jar);
    JarHash known = jarHashes.get(jar);
    if (known != null && known.size() == size && known.modified().equals(modified)) {
      return known.sha256();
    }
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(jar)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    String hex = HexFormat.of().formatHex(digest.digest());
    jarHashes.put(jar, new JarHash(size, modified, hex));
    return hex;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("{} not removed: {}", file, e.toString());
    }
  }
}
