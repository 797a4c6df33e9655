package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's JVM command: the pod options, then the class-data-sharing flags of a per-jar archive
 * named by the jar's content (the first pod of a fresh build records the classes, later pods map
 * the archive), none when sharing is off or the cache cannot be written.
 */
class PodLauncherTest {

  @TempDir Path home;
  private Path jar;
  private final List<Path> trainings = new ArrayList<>();
  private final Path javaHome = Path.of(System.getProperty("java.home"));

  @BeforeEach
  void buildJars() throws Exception {
    jar = home.resolve("shard-server/target/shard-server.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "build 1");
    Files.createDirectories(home.resolve("router/target"));
    Files.writeString(home.resolve("router/target/router.jar"), "router build 1");
  }

  private PodLauncher launcher(boolean cds) {
    return new PodLauncher(
        home,
        javaHome,
        PodLauncher.SMALL_JVM,
        cds,
        (component, archive, classList, host) -> trainings.add(archive));
  }

  private static PodLauncher.Component shardServer(PodLauncher launcher) {
    return launcher
        .componentFor(new ContainerBuilder().withImage("ghcr.io/x/shard-server:1").build())
        .orElseThrow();
  }

  private static String sha256(String content) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> command(PodLauncher launcher) {
    return launcher.command(shardServer(launcher), Map.of("SHARDEDDB_LOCAL_POD", "db-sh1-0"));
  }

  @Test
  void theFirstPodOfAFreshBuildRecordsItsClassesAndOnlyItTrains() throws Exception {
    PodLauncher launcher = launcher(true);
    Path archive =
        home.resolve("shard-server/target/cds")
            .resolve(
                "shard-server-"
                    + sha256("build 1").substring(0, 16)
                    + "-"
                    + Long.toHexString(Files.getLastModifiedTime(jar).toMillis())
                    + "-jdk"
                    + Runtime.version().toString().replaceAll("[^A-Za-z0-9.]", "_")
                    + ".jsa");

    List<String> first = command(launcher);
    List<String> second = command(launcher);

    assertThat(first)
        .containsSubsequence(PodLauncher.SMALL_JVM)
        .contains("-XX:DumpLoadedClassList=" + archive + ".classlist")
        .endsWith("-Dshardeddb.local.pod=db-sh1-0", "-jar", jar.toString());
    assertThat(trainings).containsExactly(archive);
    assertThat(second)
        .as("a pod starting while another trains runs without sharing")
        .noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList") || a.contains("SharedArchive"));
  }

  @Test
  void oncePresentTheArchiveIsMappedWithXshareAutoByEveryPod() throws Exception {
    PodLauncher launcher = launcher(true);
    Path archive = launcher.archiveOf(shardServer(launcher));
    Files.writeString(archive, "an archive");

    assertThat(command(launcher))
        .containsSubsequence("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-jar")
        .noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList"));
    assertThat(command(launcher)).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(trainings).isEmpty();
  }

  @Test
  void aRebuiltJarNeverMeetsTheArchiveOfItsEarlierContent() throws Exception {
    PodLauncher launcher = launcher(true);
    Path old = launcher.archiveOf(shardServer(launcher));
    Files.writeString(old, "archive of build 1");
    Files.writeString(jar, "build 2");
    // Same size, a later time: the launcher re-hashes rather than trusting its memory.
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

    Path fresh = launcher.archiveOf(shardServer(launcher));
    List<String> cmd = command(launcher);

    assertThat(fresh).isNotEqualTo(old);
    assertThat(fresh.getFileName().toString()).contains(sha256("build 2").substring(0, 16));
    assertThat(cmd).noneMatch(a -> a.contains(old.getFileName().toString()));
    assertThat(trainings).containsExactly(fresh);
  }

  @Test
  void aJarRebuiltToTheSameBytesGetsItsOwnArchiveTheJvmWouldRejectTheOld() throws Exception {
    PodLauncher launcher = launcher(true);
    Path old = launcher.archiveOf(shardServer(launcher));
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(launcher.archiveOf(shardServer(launcher))).isNotEqualTo(old);
  }

  @Test
  void aTrainingClaimLeftByADeadCliIsTakenOver() throws Exception {
    PodLauncher launcher = launcher(true);
    Path archive = launcher.archiveOf(shardServer(launcher));
    Path claim = archive.resolveSibling(archive.getFileName() + ".training");
    Files.createFile(claim);
    assertThat(command(launcher)).noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList"));

    Files.setLastModifiedTime(
        claim,
        FileTime.from(Instant.now().minus(ClassDataSharing.ABANDONED_AFTER).minusSeconds(60)));

    assertThat(command(launcher)).anyMatch(a -> a.startsWith("-XX:DumpLoadedClassList"));
    assertThat(trainings).containsExactly(archive);
  }

  @Test
  void switchedOffTheCommandHasNoSharingFlags() {
    assertThat(ClassDataSharing.enabled("false")).isFalse();
    assertThat(ClassDataSharing.enabled(" OFF ")).isFalse();
    assertThat(ClassDataSharing.enabled(null)).isTrue();
    assertThat(ClassDataSharing.enabled("true")).isTrue();

    List<String> cmd = command(launcher(false));

    assertThat(cmd)
        .containsExactly(
            javaHome.resolve("bin/java").toString(),
            "-Xms32m",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-Dshardeddb.local.pod=db-sh1-0",
            "-jar",
            jar.toString());
    assertThat(home.resolve("shard-server/target/cds")).doesNotExist();
  }

  @Test
  void aCacheThatCannotBeWrittenMeansNoSharingNotAFailure() throws Exception {
    // A file where the cache directory would go: creating it fails even for root.
    Files.writeString(home.resolve("shard-server/target/cds"), "not a directory");

    List<String> cmd = command(launcher(true));

    assertThat(cmd)
        .endsWith("-jar", jar.toString())
        .noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList") || a.contains("SharedArchive"));
    assertThat(trainings).isEmpty();
  }

  @Test
  void archivesOfTheJarsEarlierBuildsAreStaleOthersAreNot() {
    String current = ClassDataSharing.archiveName("shard-server.jar", "aaaa", 255, "25.0.1+8-LTS");
    assertThat(current).isEqualTo("shard-server-aaaa-ff-jdk25.0.1_8_LTS.jsa");
    assertThat(
            ClassDataSharing.staleSibling(
                "shard-server-bbbb-jdk25.jsa", "shard-server.jar", current))
        .isTrue();
    assertThat(
            ClassDataSharing.staleSibling(
                "shard-server-bbbb-jdk25.jsa.classlist", "shard-server.jar", current))
        .isTrue();
    assertThat(ClassDataSharing.staleSibling(current, "shard-server.jar", current)).isFalse();
    assertThat(ClassDataSharing.staleSibling(current + ".training", "shard-server.jar", current))
        .isFalse();
    assertThat(ClassDataSharing.staleSibling("router-bbbb-jdk25.jsa", "shard-server.jar", current))
        .isFalse();
  }

  /** -Xshare:auto, as the pods get it: an archive the JVM rejects costs nothing but the sharing. */
  @Test
  void aJvmGivenAnArchiveItRejectsStillRuns() throws Exception {
    Path garbage = home.resolve("garbage.jsa");
    Files.writeString(garbage, "this is not a class-data archive");
    List<String> cmd = new ArrayList<>();
    cmd.add(javaHome.resolve("bin/java").toString());
    cmd.addAll(ClassDataSharing.podFlags(ClassDataSharing.Mode.USE, garbage, null));
    cmd.add("-version");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("version");
  }

  @Test
  void aPerDatabaseImageOverrideStillRunsTheBuiltJarOfTheContainersComponent() {
    PodLauncher launcher = launcher(false);

    assertThat(
            launcher.componentFor(
                new ContainerBuilder()
                    .withName("shard-server")
                    .withImage("registry.example.com/team/sdb-shard:2.0")
                    .build()))
        .map(PodLauncher.Component::imageMarker)
        .contains("shard-server");
    assertThat(
            launcher.componentFor(
                new ContainerBuilder().withName("router").withImage("example/edge:1").build()))
        .map(PodLauncher.Component::imageMarker)
        .contains("router");
    assertThat(
            launcher.componentFor(
                new ContainerBuilder().withName("mysql").withImage("mariadb:11").build()))
        .isEmpty();
  }
}
