package io.shardeddb.operator.reconciler;

import java.time.Duration;

/**
 * When the reconciler asks to run again: {@code settled} for a database at rest, {@code busy} while
 * it brings up, copies or rolls, {@code failoverWatch} while a primary is unavailable.
 */
public record ResyncIntervals(Duration settled, Duration busy, Duration failoverWatch) {}
