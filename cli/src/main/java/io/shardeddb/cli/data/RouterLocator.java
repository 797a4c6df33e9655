package io.shardeddb.cli.data;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.Labels;
import io.shardeddb.api.SecretKeys;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.RouterAuthSpec;
import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;

/**
 * Finds a database's router through the Kubernetes API, the way a user would by hand: the resource
 * (for the schema and whether auth is on), a ready router pod, and the token Secret the resource
 * names (or the generated one).
 */
public final class RouterLocator {
  private final KubernetesClient client;
  private final String namespace;

  public RouterLocator(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The router of {@code database}; a {@link DataCommandException} names what is missing. */
  public RouterTarget locate(String database) {
    ShardedDatabase db =
        client.resources(ShardedDatabase.class).inNamespace(namespace).withName(database).get();
    if (db == null) {
      throw new DataCommandException(
          "ShardedDatabase '" + database + "' not found in namespace " + namespace);
    }
    SchemaSpec schema = ShardedDatabaseResources.spec(db).schema();
    if (schema == null) {
      throw new DataCommandException(
          "ShardedDatabase '" + database + "' has no schema yet (it awaits POST /init)");
    }
    Pod pod =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(Labels.routerSelector(database))
            .list()
            .getItems()
            .stream()
            .filter(RouterLocator::isReady)
            .min(Comparator.comparing(p -> p.getMetadata().getName()))
            .orElseThrow(
                () ->
                    new DataCommandException(
                        "no ready router pod for '"
                            + database
                            + "'; see `kubectl-sdb status "
                            + database
                            + "`"));
    String token = authEnabled(db) ? token(db) : null;
    return new RouterTarget(
        namespace,
        pod.getMetadata().getName(),
        pod.getStatus().getPodIP(),
        ShardedDatabaseResources.ROUTER_PORT,
        token,
        schema,
        ShardedDatabaseResources.routerServesTls(db) ? routerCa(db) : null);
  }

  /** The database's CA ({@code ca.crt} of {@code <db>-tls}), to verify its routers with. */
  private String routerCa(ShardedDatabase db) {
    String name = ShardedDatabaseResources.tlsSecretName(db.getMetadata().getName());
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    String encoded = s == null || s.getData() == null ? null : s.getData().get("ca.crt");
    if (encoded == null) {
      throw new DataCommandException(
          "the router serves TLS but its CA ('" + name + "', key ca.crt) is missing");
    }
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  private static boolean authEnabled(ShardedDatabase db) {
    RouterSpec router = ShardedDatabaseResources.spec(db).router();
    RouterAuthSpec auth = router == null ? null : router.auth();
    return auth == null || !Boolean.FALSE.equals(auth.enabled());
  }

  private String token(ShardedDatabase db) {
    String name = ShardedDatabaseResources.routerTokenSecretName(db);
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    String encoded = s == null || s.getData() == null ? null : s.getData().get(SecretKeys.TOKEN);
    if (encoded == null) {
      throw new DataCommandException(
          "the router token Secret '" + name + "' (key " + SecretKeys.TOKEN + ") is missing");
    }
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).trim();
  }

  private static boolean isReady(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getPodIP() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
