package io.shardeddb.operator.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a stuck shard pod is deleted, and when forcibly. */
class PodReplacementPolicyTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(300);

  private final PodReplacementPolicy policy = new PodReplacementPolicy();

  private static Pod pod(int restarts, String waitingReason) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("db-sh1-1")
        .endMetadata()
        .withNewSpec()
        .withNodeName("n1")
        .endSpec()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("shard-server")
        .withRestartCount(restarts)
        .withNewState()
        .withNewWaiting()
        .withReason(waitingReason)
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Node node(String ready, Instant since) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("n1")
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

  private final Optional<Node> healthyNode = Optional.of(node("True", NOW.minusSeconds(3600)));

  @Test
  void aPodCrashLoopingPastTheThresholdIsDeletedGracefully() {
    ReplacementDecision d =
        policy.decide(pod(5, "CrashLoopBackOff"), healthyNode, NOW, 5, NODE_TIMEOUT);

    assertThat(d.action()).isEqualTo(ReplacementDecision.Action.DELETE);
    assertThat(d.reason()).contains("crash-looping").contains("5 restarts");
  }

  @Test
  void aPodBelowTheThresholdOrNotInBackOffIsKept() {
    assertThat(policy.decide(pod(4, "CrashLoopBackOff"), healthyNode, NOW, 5, NODE_TIMEOUT))
        .isEqualTo(ReplacementDecision.KEEP);
    assertThat(policy.decide(pod(9, "ContainerCreating"), healthyNode, NOW, 5, NODE_TIMEOUT))
        .isEqualTo(ReplacementDecision.KEEP);
  }

  @Test
  void aPodOnANodeNotReadyPastTheTimeoutIsDeletedButNotForced() {
    Optional<Node> down = Optional.of(node("Unknown", NOW.minusSeconds(301)));

    ReplacementDecision d = policy.decide(pod(0, null), down, NOW, 5, NODE_TIMEOUT);

    assertThat(d.action()).isEqualTo(ReplacementDecision.Action.DELETE);
    assertThat(d.reason()).contains("NotReady for 301s");
  }

  @Test
  void aPodOnANodeNotReadyForLessThanTheTimeoutIsKept() {
    Optional<Node> blip = Optional.of(node("False", NOW.minusSeconds(30)));

    assertThat(policy.decide(pod(0, null), blip, NOW, 5, NODE_TIMEOUT))
        .isEqualTo(ReplacementDecision.KEEP);
  }

  @Test
  void aPodWhoseNodeIsGoneIsForceDeleted() {
    ReplacementDecision d = policy.decide(pod(0, null), Optional.empty(), NOW, 5, NODE_TIMEOUT);

    assertThat(d.action()).isEqualTo(ReplacementDecision.Action.FORCE_DELETE);
    assertThat(d.reason()).contains("n1 is gone");
  }
}
