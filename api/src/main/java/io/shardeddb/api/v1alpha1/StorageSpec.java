package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The persistent volume each shard pod claims. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StorageSpec(
    @JsonPropertyDescription(
            "Size of each pod's volume, as a Kubernetes quantity (e.g. 1Gi). It may grow later:"
                + " the operator expands the volumes where the StorageClass allows it"
                + " (condition StorageResizing); it never shrinks.")
        @Default("1Gi")
        @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
        String size,
    @JsonPropertyDescription(
            "The StorageClass of the volumes; the cluster default when absent. Fixed once set.")
        String storageClassName) {

  /** The default volume size. */
  public static final String DEFAULT_SIZE = "1Gi";

  /** The size, defaulting to 1Gi. */
  public String sizeOrDefault() {
    return size == null ? DEFAULT_SIZE : size;
  }
}
