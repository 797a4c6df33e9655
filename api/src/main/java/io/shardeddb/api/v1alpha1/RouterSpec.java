package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The router Deployment that serves the public API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouterSpec(
    @JsonPropertyDescription("Router pods.") @Default("2") @Min(1) @Max(20) Integer replicas,
    @JsonPropertyDescription("Bearer-token authentication of the router API.") RouterAuthSpec auth,
    @JsonPropertyDescription("The router Service: its type (ClusterIP by default) and annotations.")
        RouterServiceSpec service) {

  /** Router settings with the default Service. */
  public RouterSpec(Integer replicas, RouterAuthSpec auth) {
    this(replicas, auth, null);
  }

  /** The Service settings, never null. */
  public RouterServiceSpec serviceOrDefault() {
    return service == null ? new RouterServiceSpec(null, null) : service;
  }

  /** The default router replicas. */
  public static final int DEFAULT_REPLICAS = 2;

  /** Router replicas, defaulting to 2. */
  public int replicasOrDefault() {
    return replicas == null ? DEFAULT_REPLICAS : replicas;
  }

  /** Whether the admin endpoints are opened without the admin token (the assignment's opt-in). */
  public boolean openAdminForAssignment() {
    return auth != null && auth.openAdminOrDefault();
  }

  /** How long a replaced router token stays accepted, in seconds (default 300). */
  public int tokenOverlapSeconds() {
    return auth == null
        ? RouterAuthSpec.DEFAULT_TOKEN_OVERLAP_SECONDS
        : auth.tokenOverlapSecondsOrDefault();
  }

  /** Whether the router demands a bearer token (default true). */
  public boolean authEnabled() {
    return auth == null || auth.enabled() == null || auth.enabled();
  }
}
