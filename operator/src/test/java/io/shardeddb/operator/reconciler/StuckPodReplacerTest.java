package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.shardeddb.api.v1alpha1.FailoverSpec;
import io.shardeddb.operator.replacement.PodReplacementPolicy;
import io.shardeddb.operator.replacement.ReplacementDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Stuck-pod replacement reads Nodes from the informer's cache; the API server is asked only to
 * confirm a deletion, so a cache that lags never force-deletes a pod whose node still exists.
 */
class StuckPodReplacerTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final FailoverSpec DEFAULTS = new FailoverSpec(null, null, null);

  private final StuckPodReplacer replacer =
      new StuckPodReplacer(null, new PodReplacementPolicy(), null);

  /** Nodes by name, counting every question put to the API server. */
  private static final class FakeNodes implements StuckPodReplacer.Nodes {
    private final Map<String, Node> cache;
    private final Map<String, Node> server;
    final List<String> liveReads = new ArrayList<>();

    FakeNodes(Map<String, Node> cache, Map<String, Node> server) {
      this.cache = cache;
      this.server = server;
    }

    @Override
    public Optional<Node> cached(String name) {
      return Optional.ofNullable(cache.get(name));
    }

    @Override
    public Optional<Node> live(String name) {
      liveReads.add(name);
      return Optional.ofNullable(server.get(name));
    }
  }

  @Test
  void anUnreadyPodOnACachedReadyNodeIsKeptWithoutAskingTheApiServer() {
    FakeNodes nodes = new FakeNodes(Map.of("node-a", node("node-a", "True", NOW)), Map.of());

    List<StuckPodReplacer.Replacement> out =
        replacer.decide(List.of(unreadyPod("db-sh1-2", "node-a")), DEFAULTS, NOW, nodes);

    assertThat(out).isEmpty();
    assertThat(nodes.liveReads).isEmpty();
  }

  @Test
  void aNodeMissingFromALaggingCacheButStillOnTheServerIsNoReasonToForceDelete() {
    Node fresh = node("node-new", "True", NOW);
    FakeNodes nodes = new FakeNodes(Map.of(), Map.of("node-new", fresh));

    List<StuckPodReplacer.Replacement> out =
        replacer.decide(List.of(unreadyPod("db-sh1-2", "node-new")), DEFAULTS, NOW, nodes);

    assertThat(out).isEmpty();
    assertThat(nodes.liveReads).containsExactly("node-new");
  }

  @Test
  void aPodWhoseNodeIsGoneFromCacheAndServerIsForceDeleted() {
    FakeNodes nodes = new FakeNodes(Map.of(), Map.of());

    List<StuckPodReplacer.Replacement> out =
        replacer.decide(List.of(unreadyPod("db-sh1-2", "vanished")), DEFAULTS, NOW, nodes);

    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pod().name()).isEqualTo("db-sh1-2");
              assertThat(r.decision().action()).isEqualTo(ReplacementDecision.Action.FORCE_DELETE);
              assertThat(r.decision().reason()).isEqualTo("its node vanished is gone");
            });
  }

  @Test
  void aNodeTheCacheStillShowsNotReadyButTheServerShowsReadyAgainKeepsThePod() {
    Instant longAgo = NOW.minusSeconds(3600);
    FakeNodes nodes =
        new FakeNodes(
            Map.of("node-a", node("node-a", "False", longAgo)),
            Map.of("node-a", node("node-a", "True", NOW)));

    List<StuckPodReplacer.Replacement> out =
        replacer.decide(List.of(unreadyPod("db-sh1-2", "node-a")), DEFAULTS, NOW, nodes);

    assertThat(out).isEmpty();
    assertThat(nodes.liveReads).containsExactly("node-a");
  }

  @Test
  void aPodOnANodeNotReadyPastTheTimeoutIsDeletedOnceTheServerConfirms() {
    Node notReady = node("node-a", "False", NOW.minusSeconds(3600));
    FakeNodes nodes = new FakeNodes(Map.of("node-a", notReady), Map.of("node-a", notReady));

    List<StuckPodReplacer.Replacement> out =
        replacer.decide(
            List.of(unreadyPod("db-sh1-2", "node-a"), readyPod("db-sh1-1", "node-a")),
            DEFAULTS,
            NOW,
            nodes);

    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pod().name()).isEqualTo("db-sh1-2");
              assertThat(r.decision().action()).isEqualTo(ReplacementDecision.Action.DELETE);
              assertThat(r.decision().reason()).startsWith("its node node-a has been NotReady");
            });
  }

  private static ShardPod unreadyPod(String name, String node) {
    return pod(name, node, "False");
  }

  private static ShardPod readyPod(String name, String node) {
    return pod(name, node, "True");
  }

  private static ShardPod pod(String name, String node, String ready) {
    return ShardPod.of(
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("test")
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.0.0.1")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready)
            .endCondition()
            .endStatus()
            .build());
  }

  private static Node node(String name, String ready, Instant since) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .withLastTransitionTime(since.toString())
        .endCondition()
        .endStatus()
        .build();
  }
}
