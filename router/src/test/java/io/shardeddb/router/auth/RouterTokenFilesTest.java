package io.shardeddb.router.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real router reading its data and admin tokens from a directory laid out as the kubelet projects
 * a mounted Secret (each key a symlink through {@code ..data}, updated by swapping that symlink): a
 * rotated token is accepted within a poll, the replaced one only for the overlap, on its own
 * endpoints only; a file that disappears, empties or cannot be read is logged and the tokens read
 * before stay in force, never none.
 */
class RouterTokenFilesTest {
  static final Duration OVERLAP = Duration.ofSeconds(3);

  @TempDir Path dir;
  ProjectedSecret secret;
  TestRouter router;
  ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void mountAndStart() throws IOException {
    secret = new ProjectedSecret(dir);
    secret.write(Map.of("token", "data-1", "admin-token", "admin-1"));
    logs = new ListAppender<>();
    logs.start();
    logger().addAppender(logs);
    router = TestRouter.start("unused", fileSettings());
  }

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    logger().detachAppender(logs);
  }

  @Test
  void aRotatedTokenIsAcceptedWithinAPollAndTheOneItReplacedOnlyForTheOverlap() throws Exception {
    assertThat(status("data-1")).isEqualTo(200);
    assertThat(topology("admin-1")).isEqualTo(200);
    assertThat(topology("data-1")).as("the data token never opens an admin path").isEqualTo(401);

    secret.write(Map.of("token", "data-2", "admin-token", "admin-2"));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              assertThat(status("data-2")).isEqualTo(200);
              assertThat(topology("admin-2")).isEqualTo(200);
            });
    long seen = System.nanoTime();

    // Within the overlap: the replaced tokens still work, each on its own endpoints only.
    assertThat(status("data-1")).as("the replaced data token, within the overlap").isEqualTo(200);
    assertThat(topology("admin-1"))
        .as("the replaced admin token, within the overlap")
        .isEqualTo(200);
    assertThat(topology("data-1")).isEqualTo(401);
    assertThat(topology("data-2")).isEqualTo(401);
    assertThat(status("admin-1")).isEqualTo(401);
    assertThat(status("admin-2")).isEqualTo(401);
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("data token changed in " + dir.resolve("token")))
        .noneSatisfy(m -> assertThat(m).contains("data-1"))
        .noneSatisfy(m -> assertThat(m).contains("data-2"));

    // After it: only the new ones.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(status("data-1")).isEqualTo(401);
              assertThat(topology("admin-1")).isEqualTo(401);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - seen))
        .as("refused only once the overlap (%s) had passed", OVERLAP)
        .isGreaterThan(OVERLAP.minusMillis(500));
    assertThat(status("data-2")).isEqualTo(200);
    assertThat(topology("admin-2")).isEqualTo(200);
  }

  @Test
  void aMissingEmptyOrUnreadableFileIsLoggedAndTheLastGoodTokensStay() throws Exception {
    // The admin key disappears from the Secret: its symlink dangles.
    secret.write(Map.of("token", "data-1"));
    awaitWarning(dir.resolve("admin-token") + " cannot be read (NoSuchFileException");
    assertThat(topology("admin-1")).isEqualTo(200);
    assertThat(topology(null)).as("never open: no token").isEqualTo(401);
    assertThat(topology("data-1")).isEqualTo(401);
    assertThat(status("data-1")).isEqualTo(200);

    // The data token's file is empty.
    secret.write(Map.of("token", "", "admin-token", "admin-1"));
    awaitWarning(dir.resolve("token") + " cannot be read (it is empty)");
    assertThat(status("data-1")).isEqualTo(200);
    assertThat(status("")).isEqualTo(401);
    assertThat(status(null)).isEqualTo(401);

    // The data token's path is something that cannot be read as a file.
    secret.writeDirectoryAt("token", Map.of("admin-token", "admin-1"));
    awaitWarning(dir.resolve("token") + " cannot be read (IOException");
    assertThat(status("data-1")).isEqualTo(200);
    assertThat(status("wrong")).isEqualTo(401);

    // Readable again, with new values: they are taken, the logged ones noted.
    secret.write(Map.of("token", "data-3", "admin-token", "admin-3"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(status("data-3")).isEqualTo(200);
              assertThat(topology("admin-3")).isEqualTo(200);
            });
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains(dir.resolve("token") + " is readable again"))
        .anySatisfy(m -> assertThat(m).contains(dir.resolve("admin-token") + " is readable again"));
    // One warning per failure, not one per poll.
    assertThat(warnings()).hasSize(3);
  }

  @Test
  void aTokenFileThatCannotBeReadAtStartOrATokenSetTwiceStopsTheStart() throws IOException {
    router.close();
    router = null;
    Map<String, Object> missing = fileSettings();
    missing.put("shardeddb.router.auth.admin-token-file", dir.resolve("nope").toString());
    assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, missing))
        .hasStackTraceContaining(
            "the router admin token file " + dir.resolve("nope") + " cannot be read")
        .hasStackTraceContaining("(shardeddb.router.auth.admin-token-file)");

    Map<String, Object> twice = fileSettings();
    twice.put("shardeddb.router.auth.token", "data-1");
    assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, twice))
        .hasStackTraceContaining(
            "shardeddb.router.auth.token and shardeddb.router.auth.token-file are both set");
  }

  private Map<String, Object> fileSettings() {
    Map<String, Object> settings =
        new LinkedHashMap<>(
            TestRouter.settings(
                "unused",
                Map.of(
                    "shardeddb.router.auth.token",
                    "",
                    "shardeddb.router.auth.admin-token",
                    "",
                    "shardeddb.router.auth.token-file",
                    dir.resolve("token").toString(),
                    "shardeddb.router.auth.admin-token-file",
                    dir.resolve("admin-token").toString(),
                    "shardeddb.router.auth.refresh",
                    "100ms",
                    "shardeddb.router.auth.overlap",
                    OVERLAP.toSeconds() + "s")));
    return settings;
  }

  private int status(String token) {
    return new Http(router.url(), token).get("/status").status();
  }

  private int topology(String token) {
    return new Http(router.url(), token).get("/admin/topology").status();
  }

  private void awaitWarning(String text) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(warnings())
                    .anySatisfy(m -> assertThat(m).contains(text).contains("stays in force")));
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(RouterToken.class);
  }

  /**
   * A directory as the kubelet projects a Secret volume: the values in {@code ..<version>/}, the
   * symlink {@code ..data} to the version in force, and each key a symlink {@code <key> ->
   * ..data/<key>}. An update writes a new version and swaps {@code ..data} atomically (rename), so
   * every key file is a new inode under the same path.
   */
  static final class ProjectedSecret {
    private final Path dir;
    private int version;
    private Path current;

    ProjectedSecret(Path dir) {
      this.dir = dir;
    }

    void write(Map<String, String> data) throws IOException {
      Path next = nextVersion();
      for (Map.Entry<String, String> e : data.entrySet()) {
        Files.writeString(next.resolve(e.getKey()), e.getValue());
      }
      swap(next, data.keySet());
    }

    /** A version where {@code key} is a directory, the other keys files. */
    void writeDirectoryAt(String key, Map<String, String> data) throws IOException {
      Path next = nextVersion();
      Files.createDirectory(next.resolve(key));
      for (Map.Entry<String, String> e : data.entrySet()) {
        Files.writeString(next.resolve(e.getKey()), e.getValue());
      }
      List<String> keys = new java.util.ArrayList<>(data.keySet());
      keys.add(key);
      swap(next, keys);
    }

    private Path nextVersion() throws IOException {
      return Files.createDirectory(dir.resolve("..2026_11_25_18_00_0" + version++));
    }

    private void swap(Path next, Iterable<String> keys) throws IOException {
      Path tmp = dir.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, next.getFileName());
      Files.move(
          tmp,
          dir.resolve("..data"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      for (String key : keys) {
        Path link = dir.resolve(key);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data").resolve(key));
        }
      }
      if (current != null && !current.equals(next)) {
        deleteTree(current);
      }
      current = next;
    }

    private static void deleteTree(Path p) throws IOException {
      if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (var children = Files.list(p)) {
          for (Path c : children.toList()) {
            deleteTree(c);
          }
        }
      }
      Files.delete(p);
    }
  }
}
