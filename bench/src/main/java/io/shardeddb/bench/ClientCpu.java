package io.shardeddb.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPU the bench's clients use, told apart from everything else in the bench JVM (in local mode
 * the operator and the local Kubernetes API run there too, and the JVM's GC and JIT): the load
 * threads' own CPU (each thread adds its CPU time when its phase ends) and the CPU of the threads a
 * target's client library runs its I/O on, watched by name ({@link #watch}): the JDK HTTP client of
 * the router target ({@code HttpClient-<id>-SelectorManager} and {@code -Worker-<n>}), the executor
 * of ShardingSphere-JDBC ({@code ShardingSphere-}). A watched thread's CPU is added up reading by
 * reading, so a worker that ends between readings keeps what was read of it; a watched thread that
 * starts and ends between two readings is not seen (the libraries' I/O threads are pooled and live
 * across phases; the load threads, which do end, add their own time).
 */
final class ClientCpu {
  /** The name of every load thread ({@link LoadRunner}) starts with this. */
  static final String LOAD_THREAD = "bench-client-";

  private static final Pattern HTTP_CLIENT_SELECTOR =
      Pattern.compile("^HttpClient-(\\d+)-SelectorManager$");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final LongAdder loadThreadsNanos = new LongAdder();
  private final Set<String> watchedPrefixes = ConcurrentHashMap.newKeySet();
  private final AtomicInteger loadThreadNumber = new AtomicInteger();

  /** Per watched thread id, its CPU at the last reading; and their sum over all readings. */
  private final Map<Long, Long> lastSeen = new HashMap<>();

  private long watchedNanos;

  ClientCpu() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  /** Load threads, named {@value #LOAD_THREAD}N. */
  ThreadFactory loadThreads() {
    return r -> {
      Thread t = new Thread(r, LOAD_THREAD + loadThreadNumber.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The CPU time of the calling thread so far, in nanoseconds (0 where the JVM cannot tell). */
  long currentThreadNanos() {
    long n = threads.getCurrentThreadCpuTime();
    return Math.max(0, n);
  }

  /** Adds what a load thread used while it ran a phase. */
  void addLoadThread(long nanos) {
    loadThreadsNanos.add(Math.max(0, nanos));
  }

  /** From now on, threads whose name starts with {@code prefix} are the client's. */
  void watch(String prefix) {
    watchedPrefixes.add(prefix);
  }

  /** No longer counts threads of {@code prefix} (a target closed). */
  void unwatch(String prefix) {
    watchedPrefixes.remove(prefix);
  }

  /** CPU seconds of the clients so far: load threads plus every watched thread. */
  synchronized double seconds() {
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || !isWatched(infos[i].getThreadName(), watchedPrefixes)) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(ids[i]);
      if (cpu < 0) {
        continue;
      }
      Long before = lastSeen.put(ids[i], cpu);
      watchedNanos += cpu - (before == null ? 0 : before);
    }
    return (loadThreadsNanos.sum() + watchedNanos) / 1e9;
  }

  static boolean isWatched(String threadName, Set<String> prefixes) {
    return prefixes.stream().anyMatch(threadName::startsWith);
  }

  /**
   * The thread-name prefix of the JDK HTTP clients that appeared between two listings of the JVM's
   * thread names: {@code "HttpClient-7-"} for the one client built in between; null when not
   * exactly one appeared (another component built one at the same moment: the bench cannot tell
   * which is the target's, and counts neither).
   */
  static String newHttpClientPrefix(Set<String> before, Set<String> after) {
    List<String> fresh =
        after.stream()
            .filter(n -> !before.contains(n))
            .map(HTTP_CLIENT_SELECTOR::matcher)
            .filter(Matcher::matches)
            .map(m -> "HttpClient-" + m.group(1) + "-")
            .toList();
    return fresh.size() == 1 ? fresh.get(0) : null;
  }

  /** The names of the JVM's live threads now. */
  static Set<String> threadNames() {
    Set<String> names = new java.util.HashSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    return names;
  }
}
