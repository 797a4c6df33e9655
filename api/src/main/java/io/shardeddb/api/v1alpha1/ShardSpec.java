package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.protocol.topology.KeyRanged;

/** One shard: an id and the key range [low, low+size) it owns. */
@ValidationRule(
    value = "!(self.id in " + ShardedDatabaseResources.RESERVED_SHARD_IDS_CEL + ")",
    message = ShardSpec.RESERVED_ID_MESSAGE)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardSpec(
    @JsonPropertyDescription(
            "The shard id; DNS-safe because it is part of the StatefulSet and pod names, and none"
                + " of the database's own name suffixes (router, config, layout-request,"
                + " router-token, mysql, shard-auth, shard-data-auth, metrics, ca, tls).")
        @Required
        @Size(max = 20)
        @Pattern("^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$")
        String id,
    @JsonPropertyDescription("The lowest key of the range (inclusive).")
        @Required
        @Min(0)
        @Max(1.0e15)
        long low,
    @JsonPropertyDescription("How many keys the range holds.") @Required @Min(1) @Max(1.0e15)
        long size,
    @JsonPropertyDescription("Replicas of this shard, overriding spec.replicas.") @Min(1) @Max(9)
        Integer replicas)
    implements KeyRanged {

  /** Why a reserved id is refused (the CRD's rule and SpecValidator say the same). */
  public static final String RESERVED_ID_MESSAGE =
      "a shard id must not be one of the database's own name suffixes (router, config,"
          + " layout-request, router-token, mysql, shard-auth, shard-data-auth, metrics, ca, tls):"
          + " the shard's objects <db>-<id> would read as, or be, the database's own";
}
