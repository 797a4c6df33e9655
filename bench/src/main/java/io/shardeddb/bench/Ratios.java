package io.shardeddb.bench;

import java.util.List;
import java.util.Optional;

/**
 * Compares each result with the direct-JDBC result of the same suite, phase, clients and ops, in
 * the same TLS state: a target with TLS on (its name says {@code tls-on}) with direct JDBC over
 * TLS, every other with plain direct JDBC (and direct JDBC over TLS with plain direct JDBC: what
 * TLS costs it). No ratio when that baseline is missing: never one against the other TLS state.
 */
final class Ratios {
  static final String DIRECT = "direct-jdbc";
  static final String DIRECT_TLS = DIRECT + TlsChoice.targetSuffix(true);

  private final List<PhaseResult> results;

  Ratios(List<PhaseResult> results) {
    this.results = List.copyOf(results);
  }

  /** Time of {@code r} divided by the direct baseline's time; empty without a valid baseline. */
  Optional<Double> timeRatio(PhaseResult r) {
    return baselineOf(r).map(b -> r.seconds() / b.seconds());
  }

  Optional<PhaseResult> baselineOf(PhaseResult r) {
    String baseline =
        !r.target().equals(DIRECT_TLS) && r.target().contains(TlsChoice.targetSuffix(true))
            ? DIRECT_TLS
            : DIRECT;
    return results.stream()
        .filter(b -> b.target().equals(baseline))
        .filter(PhaseResult::valid)
        .filter(b -> b.suite().equals(r.suite()))
        .filter(b -> b.phase().equals(r.phase()))
        .filter(b -> b.clients() == r.clients() && b.ops() == r.ops())
        .findFirst();
  }
}
