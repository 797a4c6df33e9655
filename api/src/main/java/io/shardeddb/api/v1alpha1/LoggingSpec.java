package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * How the database's shard-servers and routers log (docs/monitoring.md, "Logs"): one JSON object a
 * line or a plain timestamped line, and the root level. A change rolls the pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoggingSpec(
    @JsonPropertyDescription(
            "json (default in a cluster): one JSON object a line with the timestamp, level, logger,"
                + " message, the database, shard and pod, and the request id while a request is"
                + " served. plain: a timestamped text line (local mode's default).")
        @Pattern(FORMAT_PATTERN)
        String format,
    @JsonPropertyDescription("The root log level: error, warn, info (default), debug or trace.")
        @Pattern(LEVEL_PATTERN)
        String level) {

  /** The formats a process accepts. */
  public static final String FORMAT_PATTERN = "^(json|plain)$";

  /** The levels a process accepts. */
  public static final String LEVEL_PATTERN = "^(error|warn|info|debug|trace)$";

  /** The format pods the operator renders log in when the spec names none. */
  public static final String DEFAULT_FORMAT = "json";
}
