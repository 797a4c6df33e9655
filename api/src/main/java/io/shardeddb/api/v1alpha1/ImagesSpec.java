package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * This database's container images, each replacing the operator's (its chart values) when given.
 * Changing one rolls the pods: shard pods secondaries first and the primary last, after a planned
 * switch-over.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImagesSpec(
    @JsonPropertyDescription(
            "The shard-server image (e.g. registry.example.com/shardeddb/shard-server:0.1.1);"
                + " the operator's when absent.")
        @Pattern(IMAGE)
        String shardServer,
    @JsonPropertyDescription("The router image; the operator's when absent.") @Pattern(IMAGE)
        String router,
    @JsonPropertyDescription(
            "The MySQL image of the shard pods' mysql container (MySQL 8.4 compatible); the"
                + " operator's when absent.")
        @Pattern(IMAGE)
        String mysql,
    @JsonPropertyDescription(
            "Names of Secrets (type kubernetes.io/dockerconfigjson, in the database's namespace)"
                + " every pod of this database pulls its images with; the operator's (its chart's"
                + " imagePullSecrets) when absent, none when empty.")
        @Size(max = 16)
        List<String> pullSecrets) {

  /** Images without pull Secrets of their own. */
  public ImagesSpec(String shardServer, String router, String mysql) {
    this(shardServer, router, mysql, null);
  }

  /** An image reference: no whitespace, at most 512 characters. */
  public static final String IMAGE = "^[^\\s]{1,512}$";
}
