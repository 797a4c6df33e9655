package io.shardeddb.bench;

import java.util.List;
import java.util.Optional;

/** Compares each result with the direct-JDBC result of the same suite, phase, clients and ops. */
final class Ratios {
  static final String DIRECT = "direct-jdbc";

  private final List<PhaseResult> results;

  Ratios(List<PhaseResult> results) {
    this.results = List.copyOf(results);
  }

  /** Time of {@code r} divided by the direct baseline's time; empty without a valid baseline. */
  Optional<Double> timeRatio(PhaseResult r) {
    return baselineOf(r).map(b -> r.seconds() / b.seconds());
  }

  Optional<PhaseResult> baselineOf(PhaseResult r) {
    return results.stream()
        .filter(b -> b.target().equals(DIRECT))
        .filter(PhaseResult::valid)
        .filter(b -> b.suite().equals(r.suite()))
        .filter(b -> b.phase().equals(r.phase()))
        .filter(b -> b.clients() == r.clients() && b.ops() == r.ops())
        .findFirst();
  }
}
