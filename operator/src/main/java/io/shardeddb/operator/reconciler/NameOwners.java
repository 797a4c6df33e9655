package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.OwnedNames;
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
    if (found == null || found.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    return found.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .map(OwnerReference::getUid)
        .findFirst()
        .orElse(null);
  }
}
