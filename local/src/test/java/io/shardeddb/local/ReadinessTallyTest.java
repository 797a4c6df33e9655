package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadinessTallyTest {

  @Test
  void aReadyPodStaysReadyUntilTheFailureThresholdIsReachedInARow() {
    ReadinessTally t = ReadinessTally.STARTED.after(true, true, 3);
    assertThat(t.ready()).isTrue();
    t = t.after(true, false, 3).after(true, false, 3);
    assertThat(t.ready()).as("two failures of three").isTrue();
    t = t.after(true, true, 3).after(true, false, 3).after(true, false, 3);
    assertThat(t.ready()).as("a success in between starts the count again").isTrue();
    t = t.after(true, false, 3);
    assertThat(t.ready()).as("the third failure in a row").isFalse();
    assertThat(t.after(true, true, 3).ready()).isTrue();
  }

  @Test
  void aStartedPodIsNotReadyBeforeItsFirstSuccessAndAStoppedOneAtOnce() {
    assertThat(ReadinessTally.STARTED.after(true, false, 3).ready()).isFalse();
    ReadinessTally ready = ReadinessTally.STARTED.after(true, true, 3);
    assertThat(ready.after(false, false, 3).ready()).as("not running").isFalse();
    assertThat(ready.after(true, false, 1).ready()).as("threshold 1").isFalse();
  }

  @Test
  void theProbeTimeoutIsTheSpecsOrTheKubeletsDefault() {
    assertThat(ReadinessProber.timeout(new ProbeBuilder().withTimeoutSeconds(2).build()))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(ReadinessProber.timeout(new ProbeBuilder().build()))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
