package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's part for one local pod: runs its container as a process on the pod's own loopback
 * address, restarts it in place after a crash (at once the first time, then with back-off: {@link
 * RestartBackoff}; same data), keeps its projected Secret files fresh, pauses and resumes it, and
 * stops it when the pod is deleted.
 */
final class PodProcess {
  private static final Logger LOG = LoggerFactory.getLogger(PodProcess.class);

  /** How often a running pod's projected Secret files are brought up to date (kubelet: ~1 min). */
  private static final Duration SECRET_REFRESH = Duration.ofSeconds(10);

  /** What every pod process needs from the node: how to launch, configure and log it. */
  record Node(PodLauncher launcher, PodEnvironment environment, PodHooks hooks, Path logDir) {

    /** Where a pod's Secret volumes are projected: beside the logs, one directory per pod. */
    Path volumesOf(Pod pod) {
      Path base = logDir.toAbsolutePath().getParent();
      return base.resolve("volumes").resolve(pod.getMetadata().getName());
    }
  }

  private final Node node;
  private final String uid;
  private final String ip;
  private Instant startedAt;
  private Process process;
  private Container mainContainer;
  private int restarts;
  private volatile ReadinessTally readiness = ReadinessTally.STARTED;
  private Instant nextStart = Instant.EPOCH;

  /** When a process that exited is started again (the kubelet's crash-loop back-off). */
  private final RestartBackoff backoff = new RestartBackoff();

  private boolean stopped;
  private Long pausedPid;
  private Instant nextSecretRefresh = Instant.EPOCH;

  PodProcess(Node node, String uid, String ip, Instant startedAt) {
    this.node = node;
    this.uid = uid;
    this.ip = ip;
    this.startedAt = startedAt;
  }

  String uid() {
    return uid;
  }

  String ip() {
    return ip;
  }

  Instant startedAt() {
    return startedAt;
  }

  int restarts() {
    return restarts;
  }

  /** The container the process runs, or null before it first started. */
  Container mainContainer() {
    return mainContainer;
  }

  /** Whether the process runs (not whether it is ready). */
  boolean alive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Whether the pod counts as ready after its probes so far ({@link ReadinessTally}). */
  boolean lastReady() {
    return readiness.ready();
  }

  /** Records one probe's result and returns whether the pod now counts as ready. */
  boolean recordProbe(boolean succeeded, int failureThreshold) {
    readiness = readiness.after(alive(), succeeded, failureThreshold);
    return readiness.ready();
  }

  Optional<Long> pid() {
    Process p = process;
    return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
  }

  /** Starts the pod's process, or restarts it in place after a crash (with back-off). */
  void supervise(Pod pod) {
    if (stopped) {
      return;
    }
    if (process != null && process.isAlive()) {
      return;
    }
    if (process != null) {
      LOG.warn(
          "pod {}: process exited with {}; restarting in place",
          pod.getMetadata().getName(),
          process.exitValue());
      process = null;
      readiness = ReadinessTally.STARTED;
      restarts++;
      nextStart = backoff.restartAt(Instant.now());
    }
    if (Instant.now().isBefore(nextStart)) {
      return;
    }
    for (Container c : pod.getSpec().getContainers()) {
      Optional<PodLauncher.Component> comp = node.launcher().componentFor(c);
      if (comp.isEmpty()) {
        continue;
      }
      PodEnvironment environment = node.environment();
      Map<String, String> env =
          environment.resolve(
              pod, c, ip, environment.projectSecretVolumes(pod, c, node.volumesOf(pod)));
      env.put("MICRONAUT_SERVER_HOST", ip);
      env.put("SHARDEDDB_LOCAL_POD", pod.getMetadata().getName());
      // Outgoing connections from the pod's own address, so partitions can tell pods apart.
      env.put("SHARDEDDB_LOCAL_ADDRESS", ip);
      env.putAll(node.hooks().envOverrides(pod, comp.get().imageMarker(), ip));
      node.hooks().beforeStart(pod, comp.get().imageMarker());
      List<String> cmd = node.launcher().command(comp.get(), env);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(env);
      try {
        Files.createDirectories(node.logDir());
        Path log = node.logDir().resolve(pod.getMetadata().getName() + ".log");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        mainContainer = c;
        startedAt = Instant.now();
        LOG.info(
            "pod {}: started {} at {} (pid {})",
            pod.getMetadata().getName(),
            comp.get().imageMarker(),
            ip,
            process.pid());
      } catch (IOException e) {
        throw new IllegalStateException("cannot start pod " + pod.getMetadata().getName(), e);
      }
      return; // one runnable container per pod
    }
  }

  /**
   * Brings the pod's projected Secret files up to date, as the kubelet does a while after a Secret
   * changes (how a credential rotation reaches a running process).
   */
  void refreshSecretVolumes(Pod pod) {
    if (process == null
        || !process.isAlive()
        || mainContainer == null
        || Instant.now().isBefore(nextSecretRefresh)) {
      return;
    }
    nextSecretRefresh = Instant.now().plus(SECRET_REFRESH);
    try {
      node.environment().projectSecretVolumes(pod, mainContainer, node.volumesOf(pod));
    } catch (RuntimeException e) {
      LOG.debug(
          "pod {}: secret volumes not refreshed: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  /** SIGSTOP / SIGCONT the pod's process (and its children) when the wish changes. */
  void pause(String pod, boolean wanted) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      pausedPid = null;
      return;
    }
    boolean isPaused = pausedPid != null && pausedPid == p.pid();
    if (wanted == isPaused) {
      return;
    }
    String signal = wanted ? "-STOP" : "-CONT";
    List<String> cmd = new ArrayList<>(List.of("kill", signal, String.valueOf(p.pid())));
    p.descendants().forEach(d -> cmd.add(String.valueOf(d.pid())));
    try {
      Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      k.getInputStream().readAllBytes();
      if (k.waitFor() != 0) {
        LOG.warn("pod {}: {} failed", pod, String.join(" ", cmd));
        return;
      }
    } catch (IOException e) {
      LOG.warn("pod {}: cannot run kill {}: {}", pod, signal, e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    pausedPid = wanted ? p.pid() : null;
    LOG.info("pod {}: {} (pid {})", pod, wanted ? "paused" : "resumed", p.pid());
  }

  /** Kills the process and its children for good (the pod is gone). */
  void stop() {
    stopped = true;
    Process p = process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    readiness = ReadinessTally.STARTED;
  }
}
