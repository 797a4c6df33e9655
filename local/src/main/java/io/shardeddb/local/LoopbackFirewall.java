package io.shardeddb.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops packets between loopback addresses with iptables: one chain per cluster ({@code
 * SDB-LOCAL-<slot>}, jumped to from OUTPUT), replaced atomically with {@code iptables-restore
 * --noflush} on every change, removed on close. Every rule names an address of the cluster's own
 * block, so other traffic on the machine is untouched. DROP, not REJECT: a partitioned peer looks
 * hung, as across a real network. iptables is installed (apt-get) on first use if absent.
 */
final class LoopbackFirewall implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackFirewall.class);
  private static final String CHAIN_PREFIX = "SDB-LOCAL-";

  private final int slot;
  private Set<Faults.Drop> applied = Set.of();
  private boolean chainExists;
  private String installFailed;

  LoopbackFirewall(int slot) {
    this.slot = slot;
  }

  static String chainOf(int slot) {
    return CHAIN_PREFIX + slot;
  }

  /** The iptables-restore input that makes the chain hold exactly {@code drops}. */
  static String restoreScript(String chain, Set<Faults.Drop> drops) {
    StringBuilder s = new StringBuilder("*filter\n:").append(chain).append(" - [0:0]\n");
    for (Faults.Drop d : drops) {
      s.append("-A ")
          .append(chain)
          .append(" -s ")
          .append(d.source())
          .append("/32 -d ")
          .append(d.destination())
          .append("/32 -j DROP\n");
    }
    return s.append("COMMIT\n").toString();
  }

  /**
   * Removes chains left by clusters that died without cleaning up (their slot is no longer locked
   * by a live process), and this slot's own leftovers. No-op when iptables is not installed.
   */
  void removeStaleRules() {
    if (iptables() == null) {
      return;
    }
    for (String line : run(List.of(iptables(), "-w", "-S"), null, false).output().split("\n")) {
      if (line.startsWith("-N " + CHAIN_PREFIX)) {
        String chain = line.substring(3).trim();
        int other;
        try {
          other = Integer.parseInt(chain.substring(CHAIN_PREFIX.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        if (other == slot || !AddressBlock.isInUse(other)) {
          LOG.info("removing stale local-mode firewall chain {}", chain);
          removeChain(chain);
        }
      }
    }
  }

  /** Makes the dropped packets exactly {@code drops} (nothing to do when unchanged). */
  synchronized void apply(Set<Faults.Drop> drops) {
    if (drops.equals(applied)) {
      return;
    }
    if (drops.isEmpty() && !chainExists) {
      applied = Set.of();
      return;
    }
    ensureChain();
    run(List.of(iptablesRestore(), "-w", "--noflush"), restoreScript(chainOf(slot), drops), true);
    applied = Set.copyOf(drops);
    LOG.info("local network faults now drop {} packet paths: {}", drops.size(), drops);
  }

  private void ensureChain() {
    if (chainExists) {
      return;
    }
    ensureInstalled();
    String chain = chainOf(slot);
    run(List.of(iptables(), "-w", "-N", chain), null, false);
    if (run(List.of(iptables(), "-w", "-C", "OUTPUT", "-j", chain), null, false).code() != 0) {
      run(List.of(iptables(), "-w", "-I", "OUTPUT", "-j", chain), null, true);
    }
    chainExists = true;
  }

  @Override
  public synchronized void close() {
    if (chainExists) {
      removeChain(chainOf(slot));
      chainExists = false;
      applied = Set.of();
    }
  }

  private void removeChain(String chain) {
    String ipt = iptables();
    while (run(List.of(ipt, "-w", "-D", "OUTPUT", "-j", chain), null, false).code() == 0) {
      // a crashed run may have inserted the jump more than once
    }
    run(List.of(ipt, "-w", "-F", chain), null, false);
    run(List.of(ipt, "-w", "-X", chain), null, false);
  }

  private void ensureInstalled() {
    if (iptables() != null && iptablesRestore() != null) {
      return;
    }
    if (installFailed != null) {
      // Tried once already: do not run apt-get on every pass of the runner.
      throw new IllegalStateException(installFailed);
    }
    LOG.info("iptables is not installed: installing it (apt-get install -y iptables)");
    Result r =
        run(
            List.of("apt-get", "install", "-y", "--no-install-recommends", "iptables"),
            null,
            false);
    if (iptables() == null || iptablesRestore() == null) {
      installFailed =
          "network partitions need iptables (and root or CAP_NET_ADMIN); installing it failed: "
              + r.output().trim();
      throw new IllegalStateException(installFailed);
    }
  }

  private static String iptables() {
    return executable("iptables");
  }

  private static String iptablesRestore() {
    return executable("iptables-restore");
  }

  private static String executable(String name) {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /** An external command's exit code and combined output. */
  record Result(int code, String output) {}

  private static Result run(List<String> cmd, String stdin, boolean mustSucceed) {
    try {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " timed out");
      }
      if (mustSucceed && p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      if (mustSucceed) {
        throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
      }
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
    }
  }
}
