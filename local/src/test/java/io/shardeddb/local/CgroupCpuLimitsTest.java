package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU cap's actuator: why it cannot work where it cannot (told, not silently skipped), and —
 * where this machine has cgroup v1's cpu controller — a busy process really held to its quota by
 * the kernel, followed across a restart, and let go with its group removed.
 */
class CgroupCpuLimitsTest {

  @Test
  void withoutTheCpuControllerTheReasonNamesWhatIsMissing(@TempDir Path dir) throws IOException {
    Path v2 = dir.resolve("v2");
    Files.createDirectories(v2);
    Files.writeString(v2.resolve("cgroup.controllers"), "cpu io memory");
    assertThat(CgroupCpuLimits.whyUnavailable(v2.resolve("cpu")))
        .hasValueSatisfying(
            why -> assertThat(why).contains("cgroup v1's cpu controller").contains("cgroup v2"));
    assertThat(CgroupCpuLimits.whyUnavailable(dir.resolve("none/cpu")))
        .hasValueSatisfying(why -> assertThat(why).contains("nothing is mounted there"));
    Path emptyMountPoint = dir.resolve("empty/cpu");
    Files.createDirectories(emptyMountPoint);
    assertThat(CgroupCpuLimits.whyUnavailable(emptyMountPoint))
        .hasValueSatisfying(
            why -> assertThat(why).contains("no cgroup hierarchy is mounted there"));
    Path notCpu = dir.resolve("memory");
    Files.createDirectories(notCpu);
    Files.writeString(notCpu.resolve("cgroup.procs"), "");
    assertThat(CgroupCpuLimits.whyUnavailable(notCpu))
        .hasValueSatisfying(why -> assertThat(why).contains("cpu.cfs_quota_us is missing"));
  }

  @Test
  void aCapThatCannotBeAppliedFailsWithTheReasonAndIsNotRetriedUnchanged(@TempDir Path dir)
      throws IOException {
    Path root = dir.resolve("cpu");
    Files.writeString(root, "a file, not a cgroup mount");
    try (CgroupCpuLimits limits = new CgroupCpuLimits(root, 7)) {
      var wanted = Map.of("db-sh1-1", new CgroupCpuLimits.Limit(0.05, null));
      var first = limits.apply(wanted).get("db-sh1-1");
      assertThat(first)
          .isInstanceOfSatisfying(
              CgroupCpuLimits.Outcome.Failed.class,
              f -> assertThat(f.why()).contains("cgroup v1's cpu controller at " + root));
      assertThat(limits.apply(wanted).get("db-sh1-1")).isEqualTo(first);
      assertThat(limits.apply(Map.of())).isEmpty();
    }
  }

  @Test
  void aBusyProcessCappedAtFivePercentOfACoreGetsNoMoreAndIsLetGoAfter() throws Exception {
    Assumptions.assumeTrue(
        CgroupCpuLimits.whyUnavailable().isEmpty(),
        () -> "skipped: " + CgroupCpuLimits.whyUnavailable().orElseThrow());
    Process busy = spin();
    Process restarted = null;
    try (AddressBlock block = AddressBlock.reserve();
        CgroupCpuLimits limits = new CgroupCpuLimits(CgroupCpuLimits.DEFAULT_ROOT, block.slot())) {
      String before = CgroupCpuLimits.cgroupOf(busy.pid());
      Path group = limits.groupOf("busy-0");
      var outcome =
          limits.apply(Map.of("busy-0", new CgroupCpuLimits.Limit(0.05, busy.pid()))).get("busy-0");
      assertThat(outcome).isEqualTo(new CgroupCpuLimits.Outcome.Applied(group));
      assertThat(Files.readString(group.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("5000");
      assertThat(CgroupCpuLimits.cgroupOf(busy.pid()))
          .isEqualTo("/" + CgroupCpuLimits.DEFAULT_ROOT.relativize(group));

      double cores = coresUsed(busy.pid(), 3_000);
      System.out.printf("a busy loop capped at 0.05 cores used %.3f cores over 3 s%n", cores);
      // The kernel holds it to 5 ms per 100 ms period; a little slack for the period edges.
      assertThat(cores).isLessThan(0.08);
      assertThat(throttledPeriods(group)).isPositive();

      // The pod's process restarted: the new one is moved in, the old one's group kept.
      busy.destroyForcibly().waitFor();
      restarted = spin();
      limits.apply(Map.of("busy-0", new CgroupCpuLimits.Limit(0.05, restarted.pid())));
      assertThat(CgroupCpuLimits.cgroupOf(restarted.pid()))
          .isEqualTo("/" + CgroupCpuLimits.DEFAULT_ROOT.relativize(group));

      // Lifted: back where it came from, the group gone, the process runs at full speed again.
      assertThat(limits.apply(Map.of())).isEmpty();
      assertThat(CgroupCpuLimits.cgroupOf(restarted.pid())).isEqualTo(before);
      assertThat(group).doesNotExist();
      assertThat(coresUsed(restarted.pid(), 1_000)).isGreaterThan(0.08);
    } finally {
      busy.destroyForcibly();
      if (restarted != null) {
        restarted.destroyForcibly();
      }
    }
  }

  private static Process spin() throws IOException {
    return new ProcessBuilder("sh", "-c", "while :; do :; done").start();
  }

  /** The cores {@code pid} used over {@code millis} (user + system time from /proc). */
  private static double coresUsed(long pid, long millis) throws Exception {
    long t0 = cpuTicks(pid);
    long start = System.nanoTime();
    Thread.sleep(millis);
    long t1 = cpuTicks(pid);
    double seconds = (System.nanoTime() - start) / 1e9;
    return (t1 - t0) / 100.0 / seconds; // USER_HZ is 100 on Linux
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name (in parentheses, which may contain spaces).
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long throttledPeriods(Path group) throws IOException {
    return Files.readAllLines(group.resolve("cpu.stat")).stream()
        .filter(l -> l.startsWith("nr_throttled "))
        .map(l -> Long.parseLong(l.split(" ")[1]))
        .findFirst()
        .orElse(0L);
  }

  @Test
  void theGroupsOfThisSlotAreRemovedOnClose() throws Exception {
    Assumptions.assumeTrue(
        CgroupCpuLimits.whyUnavailable().isEmpty(),
        () -> "skipped: " + CgroupCpuLimits.whyUnavailable().orElseThrow());
    Process busy = spin();
    try (AddressBlock block = AddressBlock.reserve()) {
      Path group;
      try (CgroupCpuLimits limits =
          new CgroupCpuLimits(CgroupCpuLimits.DEFAULT_ROOT, block.slot())) {
        group = limits.groupOf("busy-1");
        limits.apply(Map.of("busy-1", new CgroupCpuLimits.Limit(0.5, busy.pid())));
        assertThat(group).isDirectory();
      }
      assertThat(group).doesNotExist();
      assertThat(group.getParent()).doesNotExist();
      assertThat(CgroupCpuLimits.cgroupOf(busy.pid()))
          .isNotEqualTo("/" + CgroupCpuLimits.DEFAULT_ROOT.relativize(group));
    } finally {
      busy.destroyForcibly();
    }
  }
}
