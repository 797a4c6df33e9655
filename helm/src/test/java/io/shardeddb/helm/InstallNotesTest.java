package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** `helm install` (client-only dry run) succeeds and prints next steps that work as written. */
class InstallNotesTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theNotesSayHowToWaitForTheOperatorCreateADatabaseAndReachItsRouter() {
    String notes = chart.installDryRun(Map.of());

    assertThat(notes)
        .contains("STATUS: pending-install")
        .contains("It manages ShardedDatabases only in: shardeddb-system.")
        .contains("kubectl -n shardeddb-system rollout status deployment/shardeddb-operator")
        .contains("kubectl -n shardeddb-system apply -f examples/quickstart.yaml")
        .contains("kubectl -n shardeddb-system wait --for=condition=Ready sdb/quickstart")
        .contains("kubectl -n shardeddb-system port-forward svc/quickstart-router 8080:8080")
        .contains(
            "kubectl -n shardeddb-system get secret quickstart-router-token -o"
                + " jsonpath='{.data.token}'")
        .contains("http://shardeddb-operator-metrics.shardeddb-system.svc:8090/metrics");
  }

  @Test
  void withAWatchedNamespaceListTheExamplesGoIntoAWatchedNamespace() {
    String notes =
        chart.installDryRun(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));

    assertThat(notes)
        .contains("It manages ShardedDatabases only in: team-a, team-b.")
        .contains("kubectl -n team-a apply -f examples/quickstart.yaml")
        .contains("kubectl -n team-a wait --for=condition=Ready sdb/quickstart")
        .contains("kubectl -n team-a get secret quickstart-router-token");
  }

  @Test
  void clusterWideTheNotesSaySoAndTheExamplesNeedNoNamespace() {
    String notes = chart.installDryRun(Map.of("clusterWide", true));

    assertThat(notes)
        .contains("It manages ShardedDatabases in all namespaces (clusterWide=true).")
        .contains("kubectl apply -f examples/quickstart.yaml");
  }
}
