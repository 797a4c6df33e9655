package io.shardeddb.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.ShardConfigModel;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardOutcome;
import io.shardeddb.operator.storage.VolumeResizePlanner;
import io.shardeddb.operator.storage.VolumeResizer;
import io.shardeddb.planner.pass.ShardCoordinator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards step: routes the promote and rebuild annotations to their shards, then gives each
 * shard that runs one pass of {@link ShardCoordinator} (bring-up, failover, re-copy, switch-over,
 * learners) and takes one step of a rolling rebuild onto larger volumes ({@link VolumeResizer}) or
 * else rolls one outdated secondary onto its StatefulSet's new template ({@link RollPlanner}).
 */
final class ShardsStep {

  private static final Logger LOG = LoggerFactory.getLogger(ShardsStep.class);

  /** Each shard's outcome, in the model's order, and the annotation requests as routed. */
  record Shards(List<ShardOutcome> outcomes, AnnotationRequests.Routed requests) {

    /** The requests this pass answered: refused before reaching a shard, or handled by one. */
    List<RequestStatus> handled() {
      List<RequestStatus> out = new ArrayList<>(requests.refused());
      outcomes.stream().map(ShardOutcome::request).filter(Objects::nonNull).forEach(out::add);
      return out;
    }
  }

  private final KubernetesClient client;
  private final ShardCoordinator coordinator;
  private final EventRecorder events;
  private final VolumeResizer volumes;

  ShardsStep(
      KubernetesClient client,
      ShardCoordinator coordinator,
      EventRecorder events,
      VolumeResizer volumes) {
    this.client = client;
    this.coordinator = coordinator;
    this.events = events;
    this.volumes = volumes;
  }

  Shards coordinate(
      ShardedDatabase sdb,
      Context<ShardedDatabase> context,
      ShardedDatabaseStatus previous,
      ObserveStep.Observed observed,
      WorkflowStep.Desired desired,
      Instant now) {
    ShardedDatabaseSpec spec = ShardedDatabaseResources.spec(sdb);
    AnnotationRequests.Routed requests =
        AnnotationRequests.route(
            sdb.getMetadata().getAnnotations(),
            desired.shardIds(),
            observed.podsByShard().entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey,
                        e -> e.getValue().stream().map(ShardPod::name).toList())),
            now);
    List<ShardOutcome> outcomes = new ArrayList<>();
    if (desired.hibernated()) {
      // Nobody to talk to: each shard keeps its last epoch and primary for the resume.
      for (DesiredShard shard : desired.model().shards()) {
        outcomes.add(
            Hibernation.outcome(
                shard.id(), previous.shard(shard.id()).orElse(null), shard.replicas()));
      }
      return new Shards(List.copyOf(outcomes), requests);
    }
    Fencing.Fenced fenced = desired.fenced();
    for (DesiredShard shard : desired.model().shards()) {
      ShardSpec shardSpec =
          spec.shardsOrEmpty().stream()
              .filter(s -> s.id().equals(shard.id()))
              .findFirst()
              .orElse(null);
      List<ShardPod> pods = observed.pods(shard.id());
      ShardOutcome outcome =
          coordinator.coordinate(
              new ShardContext(
                      sdb,
                      shard.id(),
                      ShardConfigModel.request(
                          spec,
                          previous.applied(),
                          shardSpec,
                          desired.layout().published().get(shard.id())),
                      shard.replicas(),
                      spec.writeQuorumOrDefault(),
                      Duration.ofSeconds(
                          spec.failoverOrDefault().primaryUnavailableSecondsOrDefault()),
                      previous.shard(shard.id()).orElse(null),
                      pods,
                      observed.heartbeatsOf(pods),
                      now,
                      requests.promoteByShard().get(shard.id()),
                      requests.rebuildByShard().get(shard.id()),
                      updateRevision(sdb, context, shard.id()),
                      desired.volumeResize().awaitingVolume(shard.id()))
                  .observation()
                  .withFenced(fenced),
              shardEvents -> events.recordAll(sdb, shardEvents));
      outcomes.add(Fencing.apply(outcome, fenced));
      // One pod at a time: a rolling rebuild's step (which also re-creates the pod from the
      // current template) goes before a roll's.
      if (!rebuild(sdb, desired.volumeResize().rebuilds().get(shard.id()), outcome, pods)) {
        roll(sdb, outcome, pods, updateRevision(sdb, context, shard.id()));
      }
    }
    return new Shards(List.copyOf(outcomes), requests);
  }

  /**
   * Takes one step of the shard's rolling rebuild onto larger volumes ({@link
   * VolumeResizer#rebuild}, decided by {@code VolumeResizePlanner.rebuildStep} from this pass's
   * outcome); whether it did.
   */
  private boolean rebuild(
      ShardedDatabase sdb, VolumeResizer.Rebuild r, ShardOutcome outcome, List<ShardPod> pods) {
    if (r == null) {
      return false;
    }
    Optional<ShardEvent> done =
        volumes.rebuild(
            sdb.getMetadata().getNamespace(),
            r,
            outcome.phase(),
            outcome.status(),
            pods.stream()
                .filter(p -> p.ordinal() >= 0)
                .map(
                    p ->
                        new VolumeResizePlanner.PodState(
                            p.name(), p.ordinal(), p.ready(), p.running(), p.terminating()))
                .toList());
    done.ifPresent(e -> events.record(sdb, e));
    return done.isPresent();
  }

  /** The shard StatefulSet's update revision (its current template), or null when unknown. */
  private static String updateRevision(
      ShardedDatabase sdb, Context<ShardedDatabase> context, String shardId) {
    String name =
        ShardedDatabaseResources.shardStatefulSetName(sdb.getMetadata().getName(), shardId);
    return context
        .getSecondaryResourcesAsStream(StatefulSet.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .map(StatefulSet::getStatus)
        .filter(Objects::nonNull)
        .map(StatefulSetStatus::getUpdateRevision)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /**
   * Rolls one outdated secondary onto the StatefulSet's new template ({@link RollPlanner}): shard
   * StatefulSets update {@code OnDelete}, so the operator decides which pod goes when.
   */
  private void roll(
      ShardedDatabase sdb, ShardOutcome outcome, List<ShardPod> pods, String updateRevision) {
    Optional<PodView> next =
        RollPlanner.next(
            outcome.phase(),
            outcome.status(),
            pods.stream().map(ShardPod::view).toList(),
            updateRevision);
    if (next.isEmpty()) {
      return;
    }
    PodView pod = next.get();
    try {
      client.pods().inNamespace(sdb.getMetadata().getNamespace()).withName(pod.name()).delete();
      events.record(
          sdb,
          new ShardEvent(
              EventReason.PodRolled,
              "deleted secondary "
                  + pod.name()
                  + " so its StatefulSet re-creates it from the new template (revision "
                  + pod.revision()
                  + " -> "
                  + updateRevision
                  + "); the primary goes last, after a planned switch-over"));
    } catch (KubernetesClientException e) {
      LOG.warn("could not delete pod {} for the roll: {}", pod.name(), e.getMessage());
    }
  }
}
