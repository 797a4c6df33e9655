package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.shardeddb.api.v1alpha1.FailoverSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.replacement.PodReplacementPolicy;
import io.shardeddb.operator.replacement.ReplacementDecision;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stuck-pod replacement step (docs/operator.md, "Replacing pods"): an unready shard pod that
 * {@link PodReplacementPolicy} says must go is deleted so its StatefulSet recreates it, with a
 * {@code PodReplaced} Warning. Nodes are read from the operator's Node informer; the API server is
 * asked only to confirm a deletion, so a cache that lags (a node it has not seen yet, or a node it
 * still shows NotReady) never deletes a pod, and never force-deletes one whose node exists.
 */
final class StuckPodReplacer {

  private static final Logger LOG = LoggerFactory.getLogger(StuckPodReplacer.class);

  /** Where the step finds Nodes. */
  interface Nodes {
    /** The node as the informer's cache holds it (empty: not in the cache). */
    Optional<Node> cached(String name);

    /** The node as the API server has it now (empty: it does not exist). */
    Optional<Node> live(String name);

    /** Nodes from {@code cache} (null: none yet), confirmed through {@code client}. */
    static Nodes of(Cache<Node> cache, KubernetesClient client) {
      return new Nodes() {
        @Override
        public Optional<Node> cached(String name) {
          return cache == null ? Optional.empty() : cache.get(new ResourceID(name));
        }

        @Override
        public Optional<Node> live(String name) {
          return Optional.ofNullable(client.nodes().withName(name).get());
        }
      };
    }
  }

  /** A pod to delete, and why. */
  record Replacement(ShardPod pod, ReplacementDecision decision) {}

  private final KubernetesClient client;
  private final PodReplacementPolicy policy;
  private final EventRecorder events;

  StuckPodReplacer(KubernetesClient client, PodReplacementPolicy policy, EventRecorder events) {
    this.client = client;
    this.policy = policy;
    this.events = events;
  }

  /** Deletes the stuck pods among {@code pods} and records why. */
  void replace(
      ShardedDatabase sdb, List<ShardPod> pods, FailoverSpec failover, Instant now, Nodes nodes) {
    for (Replacement r : decide(pods, failover, now, nodes)) {
      ShardPod pod = r.pod();
      boolean force = r.decision().action() == ReplacementDecision.Action.FORCE_DELETE;
      try {
        var resource =
            client.pods().inNamespace(pod.pod().getMetadata().getNamespace()).withName(pod.name());
        if (force) {
          resource.withGracePeriod(0).delete();
        } else {
          resource.delete();
        }
        events.record(
            sdb,
            new ShardEvent(
                EventReason.PodReplaced,
                (force ? "force-deleted " : "deleted ")
                    + pod.name()
                    + " so its StatefulSet recreates it: "
                    + r.decision().reason()));
      } catch (KubernetesClientException e) {
        LOG.warn("could not delete pod {}: {}", pod.name(), e.getMessage());
      }
    }
  }

  /**
   * The unready pods among {@code pods} to delete: decided on the cached node, and decided again on
   * the live node before anything is deleted.
   */
  List<Replacement> decide(List<ShardPod> pods, FailoverSpec failover, Instant now, Nodes nodes) {
    List<Replacement> out = new ArrayList<>();
    for (ShardPod pod : pods) {
      if (pod.ready()) {
        continue;
      }
      String nodeName = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getNodeName();
      ReplacementDecision decision =
          decide(pod, nodeName == null ? Optional.empty() : nodes.cached(nodeName), failover, now);
      if (decision.action() != ReplacementDecision.Action.KEEP && nodeName != null) {
        decision = decide(pod, nodes.live(nodeName), failover, now);
      }
      if (decision.action() != ReplacementDecision.Action.KEEP) {
        out.add(new Replacement(pod, decision));
      }
    }
    return out;
  }

  private ReplacementDecision decide(
      ShardPod pod, Optional<Node> node, FailoverSpec failover, Instant now) {
    return policy.decide(
        pod.pod(),
        node,
        now,
        failover.crashLoopRestartsOrDefault(),
        Duration.ofSeconds(failover.nodeNotReadySecondsOrDefault()));
  }
}
