package io.shardeddb.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps local pods' CPU as a Kubernetes CPU limit caps a container: with a CFS bandwidth quota of
 * cgroup v1's {@code cpu} controller. A throttled pod gets its own group, {@code <cpu
 * mount>/shardeddb-local/slot-<slot>/<pod>}, with {@code cpu.cfs_quota_us} out of {@code
 * cpu.cfs_period_us} ({@link Faults#cpuQuotaMicros}); the pod's own processes — its main process
 * and that process's descendants, by pid, the ones {@code local pause} signals — are moved into it
 * (children they start later are born in it), and moved back to the group each came from when the
 * cap ends; the group is then removed. A pod whose process restarts has the new process moved in.
 * Groups of clusters that died without cleaning up are removed when the next one starts. Nothing
 * outside this cluster's groups is written, except moving its own pods' processes back.
 */
public final class CgroupCpuLimits implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupCpuLimits.class);

  /** Where cgroup v1's cpu controller is mounted on this kind of machine. */
  static final Path DEFAULT_ROOT = Path.of("/sys/fs/cgroup/cpu");

  private static final String PARENT = "shardeddb-local";
  private static final String SLOT_PREFIX = "slot-";
  private static final String PROCS = "cgroup.procs";
  private static final String QUOTA = "cpu.cfs_quota_us";
  private static final String PERIOD = "cpu.cfs_period_us";

  /** One pod's wish: at most {@code cpus} cores for its process {@code pid} (null: none runs). */
  record Limit(double cpus, Long pid) {}

  /** What {@link #apply} did for one pod. */
  sealed interface Outcome {
    /** The pod's processes run in {@code group} under the cap. */
    record Applied(Path group) implements Outcome {}

    /** The cap is not in force, and why (in words a user can act on). */
    record Failed(String why) implements Outcome {}
  }

  /** What is in force for a pod: its group, quota, the process moved in, where processes were. */
  private static final class Capped {
    final Path group;
    long quota = -1;
    Long pid;
    final Map<Long, String> cameFrom = new LinkedHashMap<>();
    Limit failedFor;
    String failure;

    Capped(Path group) {
      this.group = group;
    }
  }

  private final Path root;
  private final int slot;
  private final Map<String, Capped> pods = new HashMap<>();

  CgroupCpuLimits(Path root, int slot) {
    this.root = root;
    this.slot = slot;
  }

  /**
   * Why CPU caps cannot work on this machine, or empty when they can: cgroup v1's cpu controller
   * must be mounted at {@code /sys/fs/cgroup/cpu} with CFS bandwidth control, read-write, and this
   * process must be allowed to create groups there (root).
   */
  public static Optional<String> whyUnavailable() {
    return whyUnavailable(DEFAULT_ROOT);
  }

  static Optional<String> whyUnavailable(Path root) {
    String needs = "local mode's CPU throttle needs cgroup v1's cpu controller at " + root;
    if (!Files.isDirectory(root)) {
      if (Files.isRegularFile(root.resolveSibling("cgroup.controllers"))) {
        return Optional.of(
            needs + "; this machine has cgroup v2 only (" + root.getParent() + " is unified)");
      }
      return Optional.of(needs + "; nothing is mounted there");
    }
    if (!Files.isRegularFile(root.resolve(PROCS))) {
      return Optional.of(needs + "; no cgroup hierarchy is mounted there");
    }
    if (!Files.isRegularFile(root.resolve(QUOTA))) {
      return Optional.of(
          needs
              + " with CFS bandwidth control; "
              + root.resolve(QUOTA)
              + " is missing (a kernel without CONFIG_CFS_BANDWIDTH, or not the cpu controller)");
    }
    if (!Files.isWritable(root)) {
      return Optional.of(
          needs
              + "; "
              + root
              + " is not writable by this process (it needs root, and the cgroup filesystem"
              + " mounted read-write: in a container, a privileged one)");
    }
    return Optional.empty();
  }

  /** The group a pod of this cluster is capped in. */
  Path groupOf(String pod) {
    return slotDir().resolve(pod);
  }

  private Path slotDir() {
    return root.resolve(PARENT).resolve(SLOT_PREFIX + slot);
  }

  /**
   * Makes the capped pods exactly those of {@code wanted}: creates or updates their groups, moves a
   * pod's new process in, and releases every other pod this cluster capped. A cap that failed is
   * not tried again until its pod's wish or process changes.
   */
  synchronized Map<String, Outcome> apply(Map<String, Limit> wanted) {
    for (String pod : List.copyOf(pods.keySet())) {
      if (!wanted.containsKey(pod)) {
        release(pod, pods.remove(pod));
      }
    }
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    wanted.forEach((pod, limit) -> outcomes.put(pod, capOne(pod, limit)));
    return outcomes;
  }

  private Outcome capOne(String pod, Limit limit) {
    Capped c = pods.computeIfAbsent(pod, p -> new Capped(groupOf(p)));
    if (c.failure != null && limit.equals(c.failedFor)) {
      return new Outcome.Failed(c.failure);
    }
    try {
      long quota = Faults.cpuQuotaMicros(limit.cpus());
      if (c.quota != quota) {
        Files.createDirectories(c.group);
        write(c.group.resolve(PERIOD), Long.toString(Faults.CPU_PERIOD_MICROS));
        write(c.group.resolve(QUOTA), Long.toString(quota));
        c.quota = quota;
      }
      if (limit.pid() != null && !limit.pid().equals(c.pid)) {
        List<Long> moved = moveIn(c, limit.pid());
        c.pid = limit.pid();
        LOG.info(
            "pod {}: CPU capped at {} cores ({} µs per {} µs in {}; pids {})",
            pod,
            limit.cpus(),
            quota,
            Faults.CPU_PERIOD_MICROS,
            c.group,
            moved);
      }
      c.failure = null;
      c.failedFor = null;
      return new Outcome.Applied(c.group);
    } catch (IOException | RuntimeException e) {
      c.failedFor = limit;
      c.failure =
          whyUnavailable(root)
              .orElse("cannot cap pod " + pod + "'s CPU in " + c.group + ": " + describe(e));
      LOG.warn("pod {}: {}", pod, c.failure);
      return new Outcome.Failed(c.failure);
    }
  }

  /** Moves {@code pid} and its descendants into the pod's group; the pids moved. */
  private List<Long> moveIn(Capped c, long pid) throws IOException {
    ProcessHandle main =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException("process " + pid + " is not running"));
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    main.descendants().forEach(d -> pids.add(d.pid()));
    c.cameFrom.keySet().removeIf(p -> ProcessHandle.of(p).isEmpty());
    List<Long> moved = new ArrayList<>();
    for (long p : pids) {
      String from = cgroupOf(p);
      if (from == null) {
        continue; // gone meanwhile
      }
      try {
        write(c.group.resolve(PROCS), Long.toString(p));
      } catch (IOException e) {
        if (p == pid) {
          throw e;
        }
        continue; // a child that ended meanwhile
      }
      c.cameFrom.putIfAbsent(p, from);
      moved.add(p);
    }
    String now = cgroupOf(pid);
    String expected = "/" + root.relativize(c.group);
    if (now != null && !now.equals(expected)) {
      throw new IllegalStateException(
          "process " + pid + " is in cpu group " + now + " after the move, not " + expected);
    }
    return moved;
  }

  /** Moves the pod's processes back where they came from and removes its group. */
  private void release(String pod, Capped c) {
    if (c == null || !Files.isDirectory(c.group)) {
      return;
    }
    String fallback = c.pid != null && c.cameFrom.containsKey(c.pid) ? c.cameFrom.get(c.pid) : "/";
    for (long p : procsIn(c.group)) {
      moveTo(p, c.cameFrom.getOrDefault(p, fallback));
    }
    removeGroup(c.group);
    LOG.info("pod {}: CPU cap removed", pod);
  }

  private void moveTo(long pid, String relative) {
    Path target = root.resolve(relative.replaceFirst("^/+", ""));
    try {
      write(target.resolve(PROCS), Long.toString(pid));
    } catch (IOException e) {
      try {
        write(root.resolve(PROCS), Long.toString(pid));
      } catch (IOException again) {
        LOG.debug("process {} not moved out of its CPU cap: {}", pid, describe(again));
      }
    }
  }

  private static List<Long> procsIn(Path group) {
    try {
      return Files.readAllLines(group.resolve(PROCS)).stream()
          .map(String::trim)
          .filter(l -> !l.isEmpty())
          .map(Long::parseLong)
          .toList();
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
  }

  private static void removeGroup(Path group) {
    try {
      Files.deleteIfExists(group);
    } catch (IOException e) {
      LOG.warn("cannot remove CPU group {}: {}", group, describe(e));
    }
  }

  /**
   * Removes the groups of clusters that died without cleaning up (their slot no longer held by a
   * live process) and this slot's own leftovers, moving any process still in them to the root
   * group. Nothing to do where cgroup v1's cpu controller is absent.
   */
  synchronized void removeStaleGroups() {
    Path parent = root.resolve(PARENT);
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (DirectoryStream<Path> slots = Files.newDirectoryStream(parent, SLOT_PREFIX + "*")) {
      for (Path s : slots) {
        int other;
        try {
          other = Integer.parseInt(s.getFileName().toString().substring(SLOT_PREFIX.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        if (other == slot || !AddressBlock.isInUse(other)) {
          LOG.info("removing stale local-mode CPU groups {}", s);
          removeSlot(s);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", parent, describe(e));
    }
  }

  private void removeSlot(Path slotDir) {
    try (DirectoryStream<Path> groups = Files.newDirectoryStream(slotDir, Files::isDirectory)) {
      for (Path g : groups) {
        for (long p : procsIn(g)) {
          moveTo(p, "/");
        }
        removeGroup(g);
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", slotDir, describe(e));
    }
    removeGroup(slotDir);
  }

  /** Every cap ends: processes back where they came from, this cluster's groups removed. */
  @Override
  public synchronized void close() {
    pods.forEach(this::release);
    pods.clear();
    if (Files.isDirectory(slotDir())) {
      removeSlot(slotDir());
    }
  }

  /**
   * The cpu group {@code pid} is in (as {@code /proc/<pid>/cgroup} names it: relative to the
   * controller's mount), or null when the process is gone.
   */
  static String cgroupOf(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
        String[] parts = line.split(":", 3);
        if (parts.length == 3 && List.of(parts[1].split(",")).contains("cpu")) {
          return parts[2];
        }
      }
      return "/";
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getFile() + ": " + fs.getReason();
    }
    return Objects.requireNonNullElse(m, e.getClass().getSimpleName());
  }
}
