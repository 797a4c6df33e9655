package io.shardeddb.bench;

import io.shardeddb.api.v1alpha1.RouterReadsSpec;
import io.shardeddb.api.v1alpha1.RouterReadsSpec.Consistency;
import java.util.Locale;

/**
 * The bench's {@code --reads} choice: how the benchmarked database reads when a {@code /read} names
 * no consistency, as a user sets it — {@code spec.router.reads} of the resource (the assignment's
 * {@code /read} body has no consistency field, so its clients read at the database's default).
 * {@code primary} leaves the resource as it always was; {@code bounded} is follower reads within
 * {@code maxStaleness} (docs/router.md, "Consistency").
 */
record ReadsChoice(Consistency consistency, String maxStaleness) {

  /** Every read at the primary: the resource names no {@code router.reads}. */
  static final ReadsChoice PRIMARY = new ReadsChoice(Consistency.Primary, null);

  /**
   * Parses {@code --reads} ({@code primary} or {@code bounded}) and {@code --max-staleness} (the
   * CRD's form: {@code 500ms}, {@code 2s}); a clear {@link IllegalArgumentException} otherwise.
   */
  static ReadsChoice parse(String reads, String maxStaleness) {
    return switch (reads.trim().toLowerCase(Locale.ROOT)) {
      case "primary" -> PRIMARY;
      case "bounded" -> {
        String problem =
            new RouterReadsSpec(Consistency.Bounded, maxStaleness).maxStalenessProblem();
        if (maxStaleness == null || problem != null) {
          throw new IllegalArgumentException(
              "--max-staleness: " + (problem != null ? problem : "required with --reads bounded"));
        }
        yield new ReadsChoice(Consistency.Bounded, maxStaleness);
      }
      default ->
          throw new IllegalArgumentException("--reads must be primary or bounded, not " + reads);
    };
  }

  /** {@code spec.router.reads}: null for primary (the resource as before), else the bound. */
  RouterReadsSpec spec() {
    return consistency == Consistency.Primary
        ? null
        : new RouterReadsSpec(consistency, maxStaleness);
  }

  /** What a result's target name gets: nothing for primary, else {@code " reads bounded 1s"}. */
  String targetSuffix() {
    return consistency == Consistency.Primary ? "" : " reads bounded " + maxStaleness;
  }

  /** For results.json's environment: {@code primary} or {@code bounded 1s}. */
  String describe() {
    return consistency == Consistency.Primary ? "primary" : "bounded " + maxStaleness;
  }
}
