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
                + " the operator expands the volumes where the StorageClass allows it, else"
                + " rebuilds the pods onto new volumes one at a time (see resizePolicy;"
                + " condition StorageResizing); it never shrinks.")
        @Default("1Gi")
        @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
        String size,
    @JsonPropertyDescription(
            "The StorageClass of the volumes; the cluster default when absent. Fixed once set.")
        String storageClassName,
    @JsonPropertyDescription(
            "What a larger size does where the StorageClass cannot expand volumes"
                + " (allowVolumeExpansion not true, or no class): ExpandOrRebuild (the default)"
                + " replaces them by a rolling rebuild, one pod at a time, secondaries first and the"
                + " primary last after a planned switch-over, each pod's claim deleted and its"
                + " replica copied again from the primary, never while that would leave fewer"
                + " in-sync replicas than a write needs (a shard needs at least 3 replicas);"
                + " ExpandOnly leaves such volumes as they are and reports the resize unsupported."
                + " Where the class expands, both expand in place.")
        @Default("ExpandOrRebuild")
        ResizePolicy resizePolicy) {

  /** What a larger size does to volumes whose StorageClass cannot expand them. */
  public enum ResizePolicy {
    /** Expand where the class allows it, else a rolling rebuild onto new volumes. */
    ExpandOrRebuild,
    /** Expand where the class allows it, else nothing (StorageResizeUnsupported). */
    ExpandOnly
  }

  /** A storage spec with the default resize policy. */
  public StorageSpec(String size, String storageClassName) {
    this(size, storageClassName, null);
  }

  /** The resize policy, defaulting to ExpandOrRebuild. */
  public ResizePolicy resizePolicyOrDefault() {
    return resizePolicy == null ? ResizePolicy.ExpandOrRebuild : resizePolicy;
  }

  /** The default volume size. */
  public static final String DEFAULT_SIZE = "1Gi";

  /** The size, defaulting to 1Gi. */
  public String sizeOrDefault() {
    return size == null ? DEFAULT_SIZE : size;
  }
}
