package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Scheduling and metadata settings of the database's pods (shard pods and router pods alike), added
 * to what the operator sets itself. A change rolls the pods the way an image change does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
// On the type, not the component: a record component's annotation reaches both its field and its
// accessor, and the CRD generator would emit the rule twice.
@ValidationRule(
    value = "!has(self.annotations) || self.annotations.all(k, !k.startsWith('shardeddb.io/'))",
    message = "spec.pods.annotations: keys under shardeddb.io/ are the operator's")
public record PodsSpec(
    @JsonPropertyDescription(
            "Annotations of every pod (e.g. for a service mesh or a log shipper). Keys under"
                + " shardeddb.io/ are the operator's and refused.")
        @Size(max = 64)
        Map<String, String> annotations,
    @JsonPropertyDescription("Node labels a pod's node must have (the pod's nodeSelector).")
        @Size(max = 32)
        Map<String, String> nodeSelector,
    @JsonPropertyDescription("Tolerations of every pod, e.g. to run on tainted database nodes.")
        @Size(max = 32)
        List<Toleration> tolerations,
    @JsonPropertyDescription(
            "Affinity added to the operator's: nodeAffinity and podAffinity as given; the"
                + " podAntiAffinity terms are added to the operator's own (which keeps a shard's"
                + " replicas on different nodes, spec.placement).")
        Affinity affinity,
    @JsonPropertyDescription(
            "The PriorityClass of every pod (e.g. one above the cluster's batch jobs, so the"
                + " database is not preempted for them).")
        @Pattern(DNS_SUBDOMAIN)
        @Size(max = 253)
        String priorityClassName,
    @JsonPropertyDescription(
            "The ServiceAccount the shard pods run as (routers keep their own), e.g. one annotated"
                + " for a cloud identity (IRSA's eks.amazonaws.com/role-arn) that reaches the backup"
                + " store without spec.backup.store.credentialsSecret. It must exist in the"
                + " database's namespace. Absent: the namespace's default.")
        @Pattern(DNS_SUBDOMAIN)
        @Size(max = 253)
        String serviceAccountName) {

  /** Settings without a ServiceAccount of their own. */
  public PodsSpec(
      Map<String, String> annotations,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      Affinity affinity,
      String priorityClassName) {
    this(annotations, nodeSelector, tolerations, affinity, priorityClassName, null);
  }

  /**
   * A Kubernetes object name (DNS subdomain; its 253-character bound is the field's maxLength). RE2
   * syntax, as the API server compiles CRD patterns: no lookaheads (a pattern with one made the API
   * server refuse the whole CRD on the real-cluster tier).
   */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /**
   * Whether nothing is set (the operator's pods as they are without this field); not a bean name,
   * so it is no CRD property.
   */
  public boolean nothingSet() {
    return (annotations == null || annotations.isEmpty())
        && (nodeSelector == null || nodeSelector.isEmpty())
        && (tolerations == null || tolerations.isEmpty())
        && affinity == null
        && priorityClassName == null
        && serviceAccountName == null;
  }
}
