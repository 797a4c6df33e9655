package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/** The router Deployment that serves the public API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouterSpec(
    @JsonPropertyDescription("Router pods.") @Default("2") @Min(1) @Max(20) Integer replicas,
    @JsonPropertyDescription("Bearer-token authentication of the router API.") RouterAuthSpec auth,
    @JsonPropertyDescription("The router Service: its type (ClusterIP by default) and annotations.")
        RouterServiceSpec service,
    @JsonPropertyDescription(
            "Who may reach the router's client ports (HTTP/HTTPS 8080 and MySQL 3306): NetworkPolicy"
                + " peers (podSelector, namespaceSelector, ipBlock), as Strimzi's listener"
                + " networkPolicyPeers. Unset or empty: every source, as before (the router is"
                + " the database's API; its token and TLS guard it). The management port stays"
                + " the scraper's only.")
        @Size(max = 32)
        List<NetworkPolicyPeer> allowedClients,
    @JsonPropertyDescription(
            "The consistency of reads that name none (the assignment's /read, /query SELECTs):"
                + " Primary (default) or Bounded with maxStaleness (follower reads).")
        RouterReadsSpec reads) {

  /** Router settings with every read at the primary unless it asks otherwise. */
  public RouterSpec(
      Integer replicas,
      RouterAuthSpec auth,
      RouterServiceSpec service,
      List<NetworkPolicyPeer> allowedClients) {
    this(replicas, auth, service, allowedClients, null);
  }

  /** Router settings with the default Service. */
  public RouterSpec(Integer replicas, RouterAuthSpec auth) {
    this(replicas, auth, null, null, null);
  }

  /** Router settings admitting every client. */
  public RouterSpec(Integer replicas, RouterAuthSpec auth, RouterServiceSpec service) {
    this(replicas, auth, service, null, null);
  }

  /** The peers admitted to the client ports; empty: every source. */
  public List<NetworkPolicyPeer> allowedClientsOrEmpty() {
    return allowedClients == null ? List.of() : allowedClients;
  }

  /** The read defaults, never null. */
  public RouterReadsSpec readsOrDefault() {
    return reads == null ? new RouterReadsSpec(null, null) : reads;
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
