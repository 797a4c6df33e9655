package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.OwnedNames;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.util.Map;

/**
 * {@link NameClash.Owners} read from the API server: one GET per name two databases share (only
 * when they share one, so a namespace without clashes costs nothing).
 */
final class NameOwners implements NameClash.Owners {

  private static final Map<String, String> API_VERSIONS =
      Map.of(
          "ConfigMap", "v1",
          "Secret", "v1",
          "Service", "v1",
          "ServiceAccount", "v1",
          "Deployment", "apps/v1",
          "StatefulSet", "apps/v1",
          "Role", "rbac.authorization.k8s.io/v1",
          "RoleBinding", "rbac.authorization.k8s.io/v1",
          "NetworkPolicy", "networking.k8s.io/v1",
          "PodDisruptionBudget", "policy/v1");

  private final KubernetesClient client;
  private final String namespace;

  NameOwners(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public String controllerUid(OwnedNames.Name name) {
    String apiVersion = API_VERSIONS.get(name.kind());
    if (apiVersion == null) {
      throw new IllegalArgumentException("no API version known for kind " + name.kind());
    }
    GenericKubernetesResource found;
    try {
      found =
          client
              .genericKubernetesResources(apiVersion, name.kind())
              .inNamespace(namespace)
              .withName(name.name())
              .get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // The API group is not served (policy/v1 on an old server): nothing of that kind exists.
        return null;
      }
      throw e;
    }
    if (found == null) {
      return null;
    }
    return holder(found.getMetadata().getOwnerReferences());
  }

  /**
   * The uid of whoever holds an object with these owner references: its controller, else the
   * ShardedDatabase that owns it. The operator's own objects carry a plain owner reference to their
   * database (JOSDK adds no {@code controller} flag), so reading controllers alone saw no database
   * holding anything, and the older of two databases took a name the younger one held.
   */
  static String holder(java.util.List<OwnerReference> references) {
    if (references == null) {
      return null;
    }
    return references.stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .findFirst()
        .or(
            () ->
                references.stream()
                    .filter(r -> ShardedDatabase.KIND.equals(r.getKind()))
                    .filter(
                        r ->
                            String.valueOf(r.getApiVersion())
                                .startsWith(ShardedDatabase.GROUP + "/"))
                    .findFirst())
        .map(OwnerReference::getUid)
        .orElse(null);
  }
}
