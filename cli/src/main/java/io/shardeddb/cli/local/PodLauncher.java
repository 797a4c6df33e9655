package io.shardeddb.cli.local;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a container of a pod spec into the command that runs it on this machine: the image names
 * {@code shard-server} or {@code router} map to that module's runnable jar; any other container
 * (the MySQL sidecar) is not started, because local shard-servers share one embedded MariaDB.
 */
final class PodLauncher {
  /** Small, fast-starting JVMs: a local cluster runs a dozen of them on two cores. */
  static final List<String> SMALL_JVM =
      List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  /** A runnable component: how to recognise its image and which jar runs it. */
  record Component(String imageMarker, Path jar) {}

  private final List<Component> components;
  private final Path javaBin;
  private final List<String> jvmOptions;

  PodLauncher(Path projectHome, Path javaHome, List<String> jvmOptions) {
    this.jvmOptions = List.copyOf(jvmOptions);
    this.components =
        List.of(
            new Component(
                "shard-server", projectHome.resolve("shard-server/target/shard-server.jar")),
            new Component("router", projectHome.resolve("router/target/router.jar")));
    this.javaBin = javaHome.resolve("bin/java");
  }

  /** The component that runs {@code container}, or empty when local mode does not run it. */
  Optional<Component> componentFor(Container container) {
    String image = container.getImage() == null ? "" : container.getImage();
    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
    return components.stream().filter(c -> lastSegment.startsWith(c.imageMarker())).findFirst();
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
    cmd.add("-Dshardeddb.local.pod=" + env.getOrDefault("SHARDEDDB_LOCAL_POD", ""));
    cmd.add("-jar");
    cmd.add(component.jar().toString());
    return cmd;
  }
}
