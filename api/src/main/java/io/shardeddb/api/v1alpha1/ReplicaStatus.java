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
        Integer copyProgress,
    @JsonPropertyDescription(
            "What the replica's shard-server can store (its heartbeat's storage format: 7 holds"
                + " composite and String keys, 6 String keys, 0 or absent a shard-server before"
                + " the field). A schema change whose tables need more waits until every replica"
                + " reports it (e.g. until helm upgrade rolled every shard).")
        Integer storageFormat) {

  /** A replica as a heartbeat without a storage format reports it. */
  public ReplicaStatus(
      String pod,
      String url,
      Role role,
      Boolean ready,
      ReplicaState state,
      Long appliedLsn,
      Long lagLsn,
      Integer copyProgress) {
    this(pod, url, role, ready, state, appliedLsn, lagLsn, copyProgress, null);
  }
}
