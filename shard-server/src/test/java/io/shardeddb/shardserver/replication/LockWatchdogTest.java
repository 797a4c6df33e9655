package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.shardserver.config.LivenessSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The lock watchdog's decision: an attempt waiting {@code stuck-after} or longer is stuck. */
class LockWatchdogTest {

  @Test
  void aLockHeldLongerThanTheBoundIsReportedWithItsNameAndFreedItIsNotAnyMore() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    ReentrantLock held = new ReentrantLock();
    LockWatchdog dog =
        new LockWatchdog(
            List.of(
                new LockWatchdog.Probe("free", () -> {}),
                new LockWatchdog.Probe(
                    "held",
                    () -> {
                      held.lock();
                      held.unlock();
                    })),
            new LivenessSettings(Duration.ofSeconds(1), Duration.ofSeconds(30)),
            now::get);
    assertThat(dog.stuck()).isEmpty();

    held.lock();
    Thread pass = Thread.ofPlatform().start(dog::pass);
    // The pass reaches the held lock and waits there.
    while (pass.getState() != Thread.State.WAITING) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(dog.stuck()).as("29 s: still load, not a deadlock").isEmpty();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(dog.stuck())
        .hasValueSatisfying(
            s -> {
              assertThat(s.lock()).isEqualTo("held");
              assertThat(s.waitedMillis()).isEqualTo(30_000);
            });

    held.unlock();
    pass.join(10_000);
    assertThat(dog.stuck()).isEmpty();
  }

  @Test
  void aProbeRefusedWithAnErrorStillAnswered() {
    LockWatchdog dog =
        new LockWatchdog(
            List.of(
                new LockWatchdog.Probe(
                    "refuses",
                    () -> {
                      throw new IllegalStateException("not configured");
                    })),
            new LivenessSettings(Duration.ofSeconds(1), Duration.ZERO),
            System::nanoTime);
    dog.pass();
    assertThat(dog.stuck()).isEmpty();
  }
}
