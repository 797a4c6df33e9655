package io.shardeddb.shardserver.http;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.shardeddb.shardserver.replication.LockWatchdog;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@code /health/liveness}: DOWN while {@link LockWatchdog} has waited {@code
 * shardeddb.liveness.stuck-after} or longer for one of the locks every request needs (a deadlock:
 * the process answers health checks but no request). The kubelet's liveness probe then restarts the
 * container; the operator has already failed a stuck primary over (its heartbeats stopped). The
 * first DOWN logs where the watchdog waits (which lock, and its stack), for the post-mortem.
 */
@Singleton
@Liveness
public class LockLiveness implements HealthIndicator {
  private static final Logger LOG = LoggerFactory.getLogger(LockLiveness.class);

  private final LockWatchdog watchdog;
  private final AtomicBoolean logged = new AtomicBoolean();

  public LockLiveness(LockWatchdog watchdog) {
    this.watchdog = watchdog;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    Optional<LockWatchdog.Stuck> stuck = watchdog.stuck();
    Map<String, Object> details = new LinkedHashMap<>();
    stuck.ifPresent(
        s -> {
          details.put("stuckLock", s.lock());
          details.put("waitedMillis", s.waitedMillis());
          if (logged.compareAndSet(false, true)) {
            LOG.error(
                "liveness DOWN: the lock watchdog has waited {} ms for the {} lock; the kubelet"
                    + " restarts this container. The watchdog waits at:\n\t{}\nheld by thread"
                    + " {} at:\n\t{}",
                s.waitedMillis(),
                s.lock(),
                lines(s.waitingAt()),
                s.holder(),
                lines(s.holderAt()));
          }
        });
    return Mono.just(
        HealthResult.builder("locks", stuck.isPresent() ? HealthStatus.DOWN : HealthStatus.UP)
            .details(details)
            .build());
  }

  private static String lines(java.util.List<StackTraceElement> stack) {
    return stack.stream().map(String::valueOf).collect(Collectors.joining("\n\t"));
  }
}
