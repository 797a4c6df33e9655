package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** Container resources; the operator's small defaults apply where a field is absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResourcesSpec(
    @JsonPropertyDescription("Resources of the MySQL container in each shard pod.")
        ResourceRequirements mysql,
    @JsonPropertyDescription("Resources of the shard-server container in each shard pod.")
        ResourceRequirements shardServer,
    @JsonPropertyDescription("Resources of each router pod.") ResourceRequirements router) {}
