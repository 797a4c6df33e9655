package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The router Deployment as observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouterStatus(
    @JsonPropertyDescription("Router pods that are ready.") Integer readyReplicas,
    @JsonPropertyDescription("The in-cluster URL of the router API.") String endpoint) {}
