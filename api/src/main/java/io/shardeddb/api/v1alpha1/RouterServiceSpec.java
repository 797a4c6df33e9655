package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The router Service clients connect to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.annotations) || self.annotations.all(k, !k.startsWith('shardeddb.io/'))",
    message = "spec.router.service.annotations: keys under shardeddb.io/ are the operator's")
public record RouterServiceSpec(
    @JsonPropertyDescription(
            "ClusterIP (default: inside the cluster only), NodePort or LoadBalancer (reachable"
                + " from outside: keep router.auth and TLS on).")
        @Default("ClusterIP")
        Type type,
    @JsonPropertyDescription(
            "Annotations of the Service (e.g. a cloud load balancer's settings). Keys under"
                + " shardeddb.io/ are the operator's and refused.")
        @Size(max = 64)
        Map<String, String> annotations) {

  /** The Service types the router may have. */
  public enum Type {
    /** A cluster IP only. */
    ClusterIP,
    /** A port on every node, plus the cluster IP. */
    NodePort,
    /** A cloud load balancer, plus node port and cluster IP. */
    LoadBalancer
  }

  /** The type, ClusterIP when absent. */
  public Type typeOrDefault() {
    return type == null ? Type.ClusterIP : type;
  }

  /** The annotations, never null. */
  public Map<String, String> annotationsOrEmpty() {
    return annotations == null ? Map.of() : annotations;
  }
}
