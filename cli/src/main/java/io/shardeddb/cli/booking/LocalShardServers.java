package io.shardeddb.cli.booking;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.local.LocalPodKill;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shard-server pods of one database in local mode, read through the (local) Kubernetes API:
 * labels name the database and shard, the ShardedDatabase status the role, the pod runner's pid
 * annotation the process. Only pods labelled as this database's shard pods are listed or killed, so
 * the button can never reach the router, the operator or another database.
 */
public final class LocalShardServers implements ShardServers {
  private final KubernetesClient client;
  private final String namespace;
  private final String database;

  public LocalShardServers(KubernetesClient client, String namespace, String database) {
    this.client = client;
    this.namespace = namespace;
    this.database = database;
  }

  @Override
  public List<ShardServer> list() {
    ShardedDatabase db =
        client.resources(ShardedDatabase.class).inNamespace(namespace).withName(database).get();
    List<ShardStatus> shards =
        db == null || db.getStatus() == null ? List.of() : db.getStatus().shardsOrEmpty();
    return client.pods().inNamespace(namespace).withLabels(selector()).list().getItems().stream()
        .map(p -> describe(p, shards))
        .sorted(Comparator.comparing(ShardServer::shard).thenComparing(ShardServer::pod))
        .toList();
  }

  @Override
  public LocalPodKill.Killed kill(String pod) {
    Pod p = client.pods().inNamespace(namespace).withName(pod).get();
    if (p == null || !isShardPod(p)) {
      throw new UnknownPod("pod " + pod + " is not a shard-server of " + database);
    }
    return LocalPodKill.kill(pod, p);
  }

  private Map<String, String> selector() {
    return Map.of(Labels.INSTANCE, database, Labels.COMPONENT, Labels.COMPONENT_SHARD);
  }

  private boolean isShardPod(Pod p) {
    Map<String, String> labels = p.getMetadata().getLabels();
    return labels != null
        && selector().entrySet().stream()
            .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  private static ShardServer describe(Pod p, List<ShardStatus> shards) {
    String name = p.getMetadata().getName();
    String shard = p.getMetadata().getLabels().getOrDefault(Labels.SHARD, "");
    String role = "unknown";
    for (ShardStatus s : shards) {
      if (name.equals(s.primary())) {
        role = "Primary";
      } else {
        for (ReplicaStatus r : s.replicasOrEmpty()) {
          if (name.equals(r.pod()) && r.role() != null) {
            role = r.role().name();
          }
        }
      }
    }
    boolean ready =
        p.getStatus() != null
            && p.getStatus().getConditions() != null
            && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean running = LocalPodKill.pid(p).flatMap(ProcessHandle::of).isPresent();
    return new ShardServer(name, shard, role, ready, running);
  }
}
