package io.shardeddb.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Lease verbs in {@link RequiredPermissions} are the ones fabric8's Lease lock really sends: a
 * leader election is run against the mock API server through acquire and renewals, and every
 * request on the Lease is mapped to its RBAC verb.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionPermissionsTest {

  private static final Map<String, String> VERB_OF_METHOD =
      Map.of("GET", "get", "POST", "create", "PUT", "update", "PATCH", "patch", "DELETE", "delete");

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void everyVerbTheLeaseLockSendsWhileAcquiringAndRenewingIsGranted() throws Exception {
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName("shardeddb-operator")
                    .withLock(new LeaseLock("sdb-system", "shardeddb-operator", "pod-a"))
                    .withLeaseDuration(Duration.ofSeconds(2))
                    .withRenewDeadline(Duration.ofSeconds(1))
                    .withRetryPeriod(Duration.ofMillis(100))
                    .withLeaderCallbacks(new LeaderCallbacks(() -> {}, () -> {}, leader -> {}))
                    .build())
            .build();
    CompletableFuture<?> running = elector.start();
    try {
      // Acquire (get + create) and then several renewals of the held Lease.
      await().atMost(Duration.ofSeconds(60)).until(() -> leaseRequestCount() >= 10);
    } finally {
      running.cancel(true);
    }

    Set<String> sent = leaseVerbs();
    Set<String> granted =
        RequiredPermissions.RULES.stream()
            .filter(r -> r.apiGroups().contains("coordination.k8s.io"))
            .filter(r -> r.resources().contains("leases"))
            .flatMap(r -> r.verbs().stream())
            .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    assertThat(sent).as("verbs the Lease lock sent").contains("get", "create");
    assertThat(granted).as("Lease verbs in RequiredPermissions").containsAll(sent);
    // Before it starts, the SDK's LeaderElectionManager checks with a SelfSubjectRulesReview that
    // these verbs are granted and refuses to start otherwise (seen on a real v1.20 server:
    // "No permission to lease resource ... missing required verbs: [update]").
    assertThat(granted)
        .as("Lease verbs the SDK checks at start")
        .contains("create", "update", "get");
  }

  private final Set<String> seen = new TreeSet<>();
  private int leaseRequests;

  /** Drains the mock server's request log into {@link #seen}. */
  private synchronized void drain() throws InterruptedException {
    RecordedRequest request;
    while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if (request.getPath() != null && request.getPath().contains("/leases")) {
        leaseRequests++;
        seen.add(
            VERB_OF_METHOD
                .getOrDefault(request.getMethod(), request.getMethod())
                .toLowerCase(Locale.ROOT));
      }
    }
  }

  private synchronized Set<String> leaseVerbs() throws InterruptedException {
    drain();
    return new TreeSet<>(seen);
  }

  private synchronized int leaseRequestCount() throws InterruptedException {
    drain();
    return leaseRequests;
  }
}
