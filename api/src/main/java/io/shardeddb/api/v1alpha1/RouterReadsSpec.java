package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How the router reads when a request names no consistency: the assignment's {@code /read} and a
 * {@code /query} SELECT (docs/router.md, "Consistency"). The operator renders it into the router
 * pods' {@code shardeddb.router.reads.*} settings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.maxStaleness) || duration(self.maxStaleness) <= duration('1h')",
    message = "spec.router.reads.maxStaleness: at most 1h")
public record RouterReadsSpec(
    @JsonPropertyDescription(
            "The consistency of a read that names none: Primary (the shard's primary under its"
                + " lease: every acknowledged write) or Bounded (a replica that provably held,"
                + " at most maxStaleness ago, every write its primary had acknowledged then;"
                + " else the primary: reads spread over the replicas).")
        @Default("Primary")
        Consistency consistency,
    @JsonPropertyDescription(
            "The bound of a Bounded read that names no maxStalenessMs: a whole number of"
                + " milliseconds (500ms) or seconds (2s), from 1ms to 1h. Below the primary's"
                + " contact period (a quarter of its lease window, 450ms by default) an idle"
                + " replica often refuses and the primary serves.")
        @Default("1s")
        @Pattern(RouterReadsSpec.MAX_STALENESS_PATTERN)
        String maxStaleness) {

  /** The consistency levels a database may default to. */
  public enum Consistency {
    /** The shard's primary, under its lease. */
    Primary,
    /** A replica within maxStaleness of its primary, else the primary. */
    Bounded
  }

  /** What maxStaleness may look like (the CRD's pattern); its value is at most 1h besides. */
  public static final String MAX_STALENESS_PATTERN = "^([1-9][0-9]{0,6}ms|[1-9][0-9]{0,3}s)$";

  /** The longest bound: 1h. */
  public static final long MAX_STALENESS_MILLIS = 3_600_000;

  /**
   * What the CRD refuses of maxStaleness (its pattern and rule), for API servers that skipped the
   * rules; null when it is acceptable or absent.
   */
  public String maxStalenessProblem() {
    if (maxStaleness == null) {
      return null;
    }
    if (!maxStaleness.matches(MAX_STALENESS_PATTERN)) {
      return "spec.router.reads.maxStaleness '"
          + maxStaleness
          + "' is not a whole number of milliseconds (500ms) or seconds (2s) from 1ms";
    }
    long ms =
        maxStaleness.endsWith("ms")
            ? Long.parseLong(maxStaleness.substring(0, maxStaleness.length() - 2))
            : Long.parseLong(maxStaleness.substring(0, maxStaleness.length() - 1)) * 1000;
    return ms > MAX_STALENESS_MILLIS ? "spec.router.reads.maxStaleness: at most 1h" : null;
  }

  /** The default bound. */
  public static final String DEFAULT_MAX_STALENESS = "1s";

  /** The consistency, Primary when absent. */
  public Consistency consistencyOrDefault() {
    return consistency == null ? Consistency.Primary : consistency;
  }

  /** The bound, 1s when absent. */
  public String maxStalenessOrDefault() {
    return maxStaleness == null ? DEFAULT_MAX_STALENESS : maxStaleness;
  }
}
