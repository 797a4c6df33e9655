package io.shardeddb.router.topology;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.shard.ShardPodNames;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the router's own ShardedDatabase with a fabric8 informer: every add or update of the
 * resource becomes the next topology, so a new primary, replica or shard takes effect without a
 * restart. Also lets the admin wait until the operator reports a generation Ready. The operator's
 * pods it names are what the router's TLS client expects at their addresses ({@link
 * ShardPodNames}).
 */
@Context
@Requires(property = "shardeddb.router.topology.source", value = "kubernetes")
public class KubernetesTopologySource {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesTopologySource.class);

  private final TopologyHolder holder;
  private final Resource<ShardedDatabase> resource;
  private final AtomicReference<ShardedDatabase> latest = new AtomicReference<>();
  private final Map<CompletableFuture<ShardedDatabase>, Long> readyWaiters =
      new ConcurrentHashMap<>();
  private final SharedIndexInformer<ShardedDatabase> informer;
  private final ShardPodNames podNames;
  private final String namespace;

  public KubernetesTopologySource(
      TopologyHolder holder,
      KubernetesClient client,
      RouterSettings settings,
      ShardPodNames podNames) {
    String database = settings.database();
    String namespace = settings.namespace();
    this.holder = holder;
    this.podNames = podNames;
    this.namespace = namespace;
    this.resource =
        client.resources(ShardedDatabase.class).inNamespace(namespace).withName(database);
    // Started without waiting for its first list: an API server that is down or slow when the
    // router starts (seen under load on the real-cluster tier: the first list timed out, the bean
    // failed and the container exited 1) leaves the router running and not ready
    // (TopologyReadiness) while the informer lists again with its back-off; every failure is
    // retried, so a later outage of the API server never stops it either.
    this.informer =
        resource
            .runnableInformer(0)
            .exceptionHandler(
                (started, e) -> {
                  LOG.warn(
                      "cannot follow ShardedDatabase {}/{} ({}); retrying",
                      namespace,
                      database,
                      e.toString());
                  return true;
                });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ShardedDatabase r) {
            apply(r);
          }

          @Override
          public void onUpdate(ShardedDatabase old, ShardedDatabase r) {
            apply(r);
          }

          @Override
          public void onDelete(ShardedDatabase r, boolean unknownFinalState) {
            LOG.warn("ShardedDatabase {} was deleted; keeping the last topology", database);
          }
        });
    informer
        .start()
        .whenComplete(
            (ok, e) -> {
              if (e == null) {
                LOG.info("following ShardedDatabase {}/{}", namespace, database);
              }
            });
  }

  /** The ShardedDatabase the router follows (for the admin's patches). */
  public Resource<ShardedDatabase> resource() {
    return resource;
  }

  /** The last version of the resource the informer delivered, or null. */
  public ShardedDatabase latest() {
    return latest.get();
  }

  /** Completes with the resource once its status reports Ready for at least {@code generation}. */
  public CompletableFuture<ShardedDatabase> whenReady(long generation) {
    CompletableFuture<ShardedDatabase> f = new CompletableFuture<>();
    readyWaiters.put(f, generation);
    f.whenComplete((r, e) -> readyWaiters.remove(f));
    ShardedDatabase now = latest.get();
    if (now != null && ShardedDatabaseTopology.readyFor(now, generation)) {
      f.complete(now);
    }
    return f;
  }

  private void apply(ShardedDatabase r) {
    latest.set(r);
    try {
      var topology = ShardedDatabaseTopology.from(r);
      // The pods are expected at their addresses before any request is routed to them.
      podNames.expect(topology, namespace);
      holder.publish(t -> topology);
    } catch (RuntimeException e) {
      LOG.error("cannot read ShardedDatabase {}: {}", r.getMetadata().getName(), e.getMessage());
    }
    for (Map.Entry<CompletableFuture<ShardedDatabase>, Long> w :
        List.copyOf(readyWaiters.entrySet())) {
      if (ShardedDatabaseTopology.readyFor(r, w.getValue())) {
        w.getKey().complete(r);
      }
    }
  }

  @PreDestroy
  void stop() {
    informer.close();
  }
}
