package io.shardeddb.router.shard;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * What the router does with an error that arrives after its caller stopped waiting. A heartbeat
 * poll gives a replica 2 s ({@code ReplicaHealth}) while the HTTP client waits 10 s for an answer:
 * a replica that does not answer (frozen, cut off, deadlocked) fails each cancelled call later with
 * "Read Timeout", which Reactor logged as an ERROR with a 60-line stack ("Operator called default
 * onErrorDropped"), one every poll — 13 in one fault-matrix row, hiding the lines that mattered. A
 * shard-server call's late failure is now a DEBUG line (the poll already recorded the replica as
 * unreachable); anything else dropped stays a WARN with its stack.
 */
@Context
public final class DroppedErrors {
  private static final Logger LOG = LoggerFactory.getLogger(DroppedErrors.class);

  /** Reactor's hook is global and cumulative: installed once per JVM (tests run many routers). */
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  @PostConstruct
  void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Hooks.onErrorDropped(DroppedErrors::dropped);
    }
  }

  /** Logs {@code e}, an error no subscriber waits for any more. */
  static void dropped(Throwable e) {
    if (e instanceof ShardServerException) {
      LOG.debug("a shard-server call failed after its caller stopped waiting: {}", e.getMessage());
    } else {
      LOG.warn("an error arrived after its caller stopped waiting", e);
    }
  }
}
