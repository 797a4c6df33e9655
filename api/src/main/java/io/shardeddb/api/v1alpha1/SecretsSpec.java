package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Existing Secrets to use instead of generated ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SecretsSpec(
    @JsonPropertyDescription("A Secret with key 'token': the router's bearer token.")
        String routerToken,
    @JsonPropertyDescription(
            "A Secret with keys 'username', 'password', 'root-password' for MySQL.")
        String mysql) {}
