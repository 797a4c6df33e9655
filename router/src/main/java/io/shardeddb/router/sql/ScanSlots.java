package io.shardeddb.router.sql;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scans each credential has running, taken and given back by the SQL front ends as {@link
 * StatementLimits} admits them (in memory, no I/O). A slot is given back once however often it is
 * closed, so a statement that both fails and is cancelled frees one slot.
 */
public final class ScanSlots {
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

  /** One running scan of a credential; {@link #close} gives it back. */
  public final class Slot implements AutoCloseable {
    private final AtomicInteger count;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Slot(AtomicInteger count) {
      this.count = count;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        count.decrementAndGet();
      }
    }
  }

  /** A slot for one more scan of {@code credential} if {@code limits} admits it, else null. */
  public Slot take(String credential, StatementLimits limits) {
    AtomicInteger count = running.computeIfAbsent(credential, c -> new AtomicInteger());
    while (true) {
      int now = count.get();
      if (!limits.admitsScan(now)) {
        return null;
      }
      if (count.compareAndSet(now, now + 1)) {
        return new Slot(count);
      }
    }
  }

  /** How many scans of {@code credential} are running. */
  public int running(String credential) {
    AtomicInteger count = running.get(credential);
    return count == null ? 0 : count.get();
  }
}
