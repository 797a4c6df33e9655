package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Whether the router's data and admin endpoints need a bearer token. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouterAuthSpec(
    @JsonPropertyDescription(
            "Require Authorization: Bearer <token>; switch off only for legacy clients.")
        @Default("true")
        Boolean enabled) {}
