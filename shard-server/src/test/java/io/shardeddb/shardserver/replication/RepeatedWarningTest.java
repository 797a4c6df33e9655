package io.shardeddb.shardserver.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RepeatedWarningTest {

  @Test
  void theSameWarningIsLoudOncePerIntervalAndANewOneAtOnce() {
    AtomicLong now = new AtomicLong(0);
    RepeatedWarning w = new RepeatedWarning(Duration.ofSeconds(30), now::get);
    assertThat(w.loud("a")).isTrue();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(w.loud("a")).isFalse();
    assertThat(w.loud("b")).isTrue();
    assertThat(w.loud("b")).isFalse();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(w.loud("b")).isTrue();
    assertThat(w.loud("b")).isFalse();
  }
}
