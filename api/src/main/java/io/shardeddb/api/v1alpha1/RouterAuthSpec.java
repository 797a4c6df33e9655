package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Whether the router's data endpoints need a bearer token, and the one opt-in that opens its admin
 * endpoints ({@code /init}, {@code /add}, {@code /rm}) without the admin token.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouterAuthSpec(
    @JsonPropertyDescription(
            "Require Authorization: Bearer <token> on the data endpoints; switch off only for"
                + " legacy clients. The admin endpoints keep the admin token either way.")
        @Default("true")
        Boolean enabled,
    @JsonPropertyDescription(
            "Open /init, /add and /rm without the admin token, for the assignment's course"
                + " client only: anyone who reaches the router can then reshape the database. The"
                + " operator reports it with a Warning condition and an Event.")
        @Default("false")
        Boolean openAdminForAssignment,
    @JsonPropertyDescription(
            "Seconds a router keeps accepting a token after the router token Secret replaced it"
                + " (each pod counts from when it reads the change): long enough for every"
                + " client to take the new token, and for every router pod's kubelet to update"
                + " the mounted files. 0 refuses a replaced token at once.")
        @Default("300")
        @Min(0)
        @Max(604800)
        Integer tokenOverlapSeconds) {

  /** The default overlap of a replaced router token, in seconds. */
  public static final int DEFAULT_TOKEN_OVERLAP_SECONDS = 300;

  /** Data-token settings, the admin endpoints guarded. */
  public RouterAuthSpec(Boolean enabled) {
    this(enabled, null);
  }

  /** Data-token settings and the admin opt-in, the default token overlap. */
  public RouterAuthSpec(Boolean enabled, Boolean openAdminForAssignment) {
    this(enabled, openAdminForAssignment, null);
  }

  /** How long a replaced token stays accepted, in seconds (default 300). */
  public int tokenOverlapSecondsOrDefault() {
    return tokenOverlapSeconds == null ? DEFAULT_TOKEN_OVERLAP_SECONDS : tokenOverlapSeconds;
  }

  /** Whether the admin endpoints are opened for the assignment's client (default false). */
  public boolean openAdminOrDefault() {
    return openAdminForAssignment != null && openAdminForAssignment;
  }
}
