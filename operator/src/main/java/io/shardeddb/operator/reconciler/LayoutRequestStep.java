package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.LayoutRequest;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardEvent;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout request step, first in a pass: takes the router's request from its ConfigMap (the
 * informer's copy), lets {@link LayoutRequests} decide, and acts — the spec replaced with
 * optimistic locking (a conflict leaves the request for the next pass), then the answer written
 * into the ConfigMap (accepted at generation N, or refused with the reason) and an Event recorded.
 * A refused request changes nothing else.
 */
public final class LayoutRequestStep {

  private static final Logger LOG = LoggerFactory.getLogger(LayoutRequestStep.class);

  private final KubernetesClient client;
  private final SpecValidator validator;
  private final EventRecorder events;

  /** A step writing through {@code client}, validating with {@code validator}. */
  public LayoutRequestStep(KubernetesClient client, SpecValidator validator, EventRecorder events) {
    this.client = client;
    this.validator = validator;
    this.events = events;
  }

  /**
   * Answers the pending request, if any; true when it changed the spec (the pass should end: the
   * new generation starts its own).
   */
  public boolean step(ShardedDatabase sdb, Context<ShardedDatabase> context, Instant now) {
    String name = ShardedDatabaseResources.layoutRequestName(sdb.getMetadata().getName());
    ConfigMap object =
        context
            .getSecondaryResourcesAsStream(ConfigMap.class)
            .filter(c -> name.equals(c.getMetadata().getName()))
            .findFirst()
            .orElse(null);
    return object != null && step(sdb, object.getData(), now);
  }

  /** As above, for the request in {@code data}. */
  boolean step(ShardedDatabase sdb, Map<String, String> data, Instant now) {
    LayoutRequests.Decision decision = LayoutRequests.decide(sdb, data, validator);
    switch (decision) {
      case LayoutRequests.Decision.None none -> {
        return false;
      }
      case LayoutRequests.Decision.Refuse refuse -> {
        answer(sdb, refuse.id(), LayoutRequest.Outcome.Refused, null, refuse.reason(), now);
        events.record(
            sdb,
            new ShardEvent(
                EventReason.LayoutRequestRefused,
                "the router's layout change was refused: " + refuse.reason()));
        return false;
      }
      case LayoutRequests.Decision.Accept accept -> {
        Long generation = sdb.getMetadata().getGeneration();
        if (!accept.unchanged()) {
          ShardedDatabase changed = Serialization.clone(sdb);
          changed.setSpec(accept.spec());
          try {
            // resourceVersion of the copy this pass read: any change since is a 409.
            generation = client.resource(changed).update().getMetadata().getGeneration();
          } catch (KubernetesClientException e) {
            LOG.info(
                "layout request {} on {} not merged yet: {}",
                accept.id(),
                sdb.getMetadata().getName(),
                e.getMessage());
            return false;
          }
        }
        String message =
            "merged into the spec at generation "
                + generation
                + ": "
                + accept.spec().shardsOrEmpty().size()
                + " shards, "
                + (accept.spec().servers() == null ? 0 : accept.spec().servers().size())
                + " servers";
        answer(sdb, accept.id(), LayoutRequest.Outcome.Accepted, generation, message, now);
        events.record(
            sdb,
            new ShardEvent(
                EventReason.LayoutRequestAccepted, "the router's layout change was " + message));
        return !accept.unchanged();
      }
    }
  }

  /**
   * Writes the answer into the ConfigMap with a merge patch of that one key: a request the router
   * wrote meanwhile stays (it carries its own id) and is answered by a later pass.
   */
  private void answer(
      ShardedDatabase sdb,
      String id,
      LayoutRequest.Outcome outcome,
      Long generation,
      String message,
      Instant now) {
    String json =
        new LayoutRequest.Answer(id, outcome, generation, message, now.toString()).toJson();
    try {
      client
          .configMaps()
          .inNamespace(sdb.getMetadata().getNamespace())
          .withName(ShardedDatabaseResources.layoutRequestName(sdb.getMetadata().getName()))
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("data", Map.of(LayoutRequest.ANSWER_KEY, json))));
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not answer layout request {} on {}: {}",
          id,
          sdb.getMetadata().getName(),
          e.getMessage());
    }
  }
}
