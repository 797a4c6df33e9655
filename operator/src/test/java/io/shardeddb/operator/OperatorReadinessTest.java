package io.shardeddb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.health.EventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.Status;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OperatorReadinessTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong();
  private final AtomicReference<Map<String, OperatorReadiness.Trouble>> troubles =
      new AtomicReference<>(Map.of());
  private final OperatorReadiness readiness =
      new OperatorReadiness(() -> true, troubles::get, now::get);

  @Test
  void anInformerReEstablishingItsWatchStaysReadyForTheGrace() {
    assertThat(readiness.getAsBoolean()).isTrue();
    troubles.set(Map.of("c/pods/ns", OperatorReadiness.Trouble.RECONNECTING));
    assertThat(readiness.getAsBoolean()).as("a watch ending and coming back").isTrue();
    now.addAndGet(29 * SECOND);
    assertThat(readiness.getAsBoolean()).isTrue();
    now.addAndGet(SECOND);
    assertThat(readiness.getAsBoolean()).as("still not watching after 30 s").isFalse();

    troubles.set(Map.of());
    assertThat(readiness.getAsBoolean()).isTrue();
    troubles.set(Map.of("c/pods/ns", OperatorReadiness.Trouble.RECONNECTING));
    assertThat(readiness.getAsBoolean()).as("a new reconnect starts a new grace").isTrue();
  }

  @Test
  void aSourceDownOrAnOperatorNotStartedIsNotReady() {
    troubles.set(Map.of("c/pods/ns", OperatorReadiness.Trouble.DOWN));
    assertThat(readiness.getAsBoolean()).isFalse();
    assertThat(new OperatorReadiness(() -> false, Map::of, now::get).getAsBoolean()).isFalse();
  }

  @Test
  void josdksUnhealthySourcesAreTroubles() {
    Map<String, EventSourceHealthIndicator> sources = new HashMap<>();
    sources.put("pods", informers(informer(true, true, false)));
    sources.put("secrets", informers(informer(true, false, false)));
    sources.put("timer", () -> Status.UNHEALTHY);
    assertThat(OperatorReadiness.troubles(Map.of("db", sources)))
        .containsOnly(
            Map.entry("db/pods/ns", OperatorReadiness.Trouble.RECONNECTING),
            Map.entry("db/secrets/ns", OperatorReadiness.Trouble.DOWN),
            Map.entry("db/timer", OperatorReadiness.Trouble.DOWN));
  }

  private static InformerWrappingEventSourceHealthIndicator<?> informers(
      InformerHealthIndicator i) {
    return () -> Map.of("ns", i);
  }

  private static InformerHealthIndicator informer(
      boolean running, boolean synced, boolean watching) {
    return new InformerHealthIndicator() {
      @Override
      public boolean hasSynced() {
        return synced;
      }

      @Override
      public boolean isWatching() {
        return watching;
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public Status getStatus() {
        return running && synced && watching ? Status.HEALTHY : Status.UNHEALTHY;
      }

      @Override
      public String getTargetNamespace() {
        return "ns";
      }
    };
  }
}
