package io.shardeddb.bench;

import java.util.List;
import java.util.Optional;

/**
 * The assignment report's performance table (seed 001, "Performance"), the figures the analysis
 * puts beside its own: seconds for 10,000 writes and 10,000 reads per configuration. The report
 * states neither the unit nor the client concurrency; docs/benchmarks.md reads them as seconds for
 * the whole 10,000 operations, as the seeds audit does.
 */
final class SeedFigures {
  /** How many writes, then reads, each seed figure is for. */
  static final int OPS = 10_000;

  /** One row of the seed's table. */
  record Row(int shards, int servers, int replicas, double writeSeconds, double readSeconds) {}

  /** The three rows, in the report's order. */
  static final List<Row> ROWS =
      List.of(
          new Row(4, 6, 3, 896.493, 446.517),
          new Row(4, 6, 6, 914.811, 447.068),
          new Row(6, 10, 8, 892.064, 454.847));

  private SeedFigures() {}

  /** The seed's row for this many shards and replicas (its server count may differ). */
  static Optional<Row> of(int shards, int replicas) {
    return ROWS.stream().filter(r -> r.shards() == shards && r.replicas() == replicas).findFirst();
  }

  /** The seed's row of exactly this configuration: shards, servers and replicas all equal. */
  static Optional<Row> of(AssignmentLayout layout) {
    return of(layout.shards(), layout.replicas()).filter(r -> r.servers() == layout.servers());
  }
}
