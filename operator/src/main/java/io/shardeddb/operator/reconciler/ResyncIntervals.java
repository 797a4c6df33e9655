package io.shardeddb.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When the reconciler asks to run again: {@code settled} for a database at rest, {@code busy} while
 * it brings up, copies or rolls, {@code failoverWatch} while a primary is unavailable.
 */
public record ResyncIntervals(Duration settled, Duration busy, Duration failoverWatch) {

  /** The shortest requeue: a pass that would run at once never spins. */
  public static final Duration SOONEST = Duration.ofMillis(50);

  /**
   * While primaries are unavailable (each since one of {@code unavailableSince}, to be replaced
   * after {@code unavailableAfter}): the next pass runs when the first wait ends, or after {@code
   * failoverWatch} if that is sooner. The passes read the hung primary's silence from {@link
   * HeartbeatEventSource}'s cache instead of waiting a heartbeat deadline each, so the pass at the
   * end of the wait runs when it ends and starts the election then.
   */
  public Duration failoverWatch(
      Instant now, List<Instant> unavailableSince, Duration unavailableAfter) {
    Duration next = failoverWatch;
    for (Instant since : unavailableSince) {
      Duration left = Duration.between(now, since.plus(unavailableAfter));
      if (left.compareTo(next) < 0) {
        next = left;
      }
    }
    return next.compareTo(SOONEST) < 0 ? SOONEST : next;
  }
}
