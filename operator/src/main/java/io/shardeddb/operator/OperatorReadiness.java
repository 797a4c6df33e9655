package io.shardeddb.operator;

import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.health.EventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The operator's {@code /health/readiness}: started, and every event source healthy — except that
 * an informer that has synced and runs but is re-establishing its watch counts as ready for {@link
 * #RECONNECT_GRACE}. Every watch ends now and then (the API server closes it at its {@code
 * timeoutSeconds}, a connection drops) and the informer watches again from its resource version;
 * JOSDK's {@code allEventSourcesAreHealthy()} is false for that moment, which made the pod flap not
 * ready on a loaded machine (OperatorHardeningIT in CI, 2026-11-27). An informer still not watching
 * after the grace, or one not synced or stopped, or any other unhealthy source, is not ready. The
 * decision ({@link #decide}) is pure; this class keeps the "since when" per informer.
 */
final class OperatorReadiness implements BooleanSupplier {
  /** How long an informer may be re-establishing its watch before the operator is not ready. */
  static final Duration RECONNECT_GRACE = Duration.ofSeconds(30);

  /** What one unhealthy event source (or one informer of it) is doing. */
  enum Trouble {
    /** Synced and running, its watch being re-established. */
    RECONNECTING,
    /** Anything else: not synced, stopped, or an unhealthy source that is no informer. */
    DOWN
  }

  private final BooleanSupplier started;
  private final Supplier<Map<String, Trouble>> troubles;
  private final LongSupplier nanoTime;
  private final Map<String, Long> reconnectingSince = new HashMap<>();

  OperatorReadiness(
      BooleanSupplier started, Supplier<Map<String, Trouble>> troubles, LongSupplier nanoTime) {
    this.started = started;
    this.troubles = troubles;
    this.nanoTime = nanoTime;
  }

  /** The readiness of the operator {@code runtime} describes. */
  static OperatorReadiness of(Supplier<RuntimeInfo> runtime) {
    return new OperatorReadiness(
        () -> runtime.get().isStarted(),
        () -> troubles(runtime.get().unhealthyEventSources()),
        System::nanoTime);
  }

  @Override
  public synchronized boolean getAsBoolean() {
    if (!started.getAsBoolean()) {
      return false;
    }
    return decide(troubles.get(), reconnectingSince, nanoTime.getAsLong());
  }

  /**
   * Ready when no source is {@link Trouble#DOWN} and none has been {@link Trouble#RECONNECTING} for
   * {@link #RECONNECT_GRACE} or longer ({@code since} is kept up to date: sources no longer in
   * trouble are forgotten, new ones remembered from {@code now}).
   */
  static boolean decide(Map<String, Trouble> troubles, Map<String, Long> since, long now) {
    since.keySet().retainAll(troubles.keySet());
    boolean ready = true;
    for (Map.Entry<String, Trouble> t : troubles.entrySet()) {
      if (t.getValue() == Trouble.DOWN) {
        since.remove(t.getKey());
        ready = false;
        continue;
      }
      long from = since.computeIfAbsent(t.getKey(), k -> now);
      if (now - from >= RECONNECT_GRACE.toNanos()) {
        ready = false;
      }
    }
    return ready;
  }

  /** JOSDK's unhealthy event sources, by controller and name (and informer), as troubles. */
  static Map<String, Trouble> troubles(
      Map<String, Map<String, EventSourceHealthIndicator>> unhealthy) {
    Map<String, Trouble> out = new HashMap<>();
    unhealthy.forEach(
        (controller, sources) ->
            sources.forEach(
                (name, source) -> {
                  String key = controller + "/" + name;
                  if (source instanceof InformerWrappingEventSourceHealthIndicator<?> informers) {
                    informers
                        .informerHealthIndicators()
                        .forEach((ns, i) -> trouble(i).forEach(t -> out.put(key + "/" + ns, t)));
                  } else {
                    out.put(key, Trouble.DOWN);
                  }
                }));
    return out;
  }

  private static List<Trouble> trouble(InformerHealthIndicator informer) {
    if (informer.isRunning() && informer.hasSynced() && informer.isWatching()) {
      return List.of();
    }
    return List.of(
        informer.isRunning() && informer.hasSynced() ? Trouble.RECONNECTING : Trouble.DOWN);
  }
}
