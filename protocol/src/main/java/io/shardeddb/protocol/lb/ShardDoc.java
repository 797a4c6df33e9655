package io.shardeddb.protocol.lb;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.topology.KeyRanged;

/**
 * A shard in the assignment's shape: {@code {"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096}}.
 * The field names are the contract's, whatever the shard key is called.
 */
@Serdeable
@JsonPropertyOrder({"Stud_id_low", "Shard_id", "Shard_size"})
public record ShardDoc(
    @JsonProperty("Stud_id_low") long low,
    @JsonProperty("Shard_id") String id,
    @JsonProperty("Shard_size") long size)
    implements KeyRanged {}
