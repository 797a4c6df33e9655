package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;

/** One replica (pod) of a shard as its last heartbeat reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplicaStatus(
    @JsonPropertyDescription("The pod name (also the replica's name).") String pod,
    @JsonPropertyDescription(
            "The shard-server base URL, https://<podIP>:8081 (http:// with spec.tls.enabled: false).")
        String url,
    @JsonPropertyDescription("Primary, Secondary or None.") Role role,
    @JsonPropertyDescription("Whether the pod is ready and the replica caught up.") Boolean ready,
    @JsonPropertyDescription("What the replica is doing (Ready, CatchingUp, Copying, ...).")
        ReplicaState state,
    @JsonPropertyDescription("The last log position this replica applied.") Long appliedLsn,
    @JsonPropertyDescription("How many log entries it is behind the primary.") Long lagLsn,
    @JsonPropertyDescription("Percent of the snapshot copied while state is Copying.")
        Integer copyProgress) {}
