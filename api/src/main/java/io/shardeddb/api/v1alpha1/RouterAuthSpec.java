package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

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
        Boolean openAdminForAssignment) {

  /** Data-token settings, the admin endpoints guarded. */
  public RouterAuthSpec(Boolean enabled) {
    this(enabled, null);
  }

  /** Whether the admin endpoints are opened for the assignment's client (default false). */
  public boolean openAdminOrDefault() {
    return openAdminForAssignment != null && openAdminForAssignment;
  }
}
