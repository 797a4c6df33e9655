package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.RouterModel;
import io.shardeddb.operator.rbac.PermissionRule;
import io.shardeddb.operator.rbac.RequiredPermissions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart grants exactly what the operator's code says it uses ({@link RequiredPermissions}):
 * nothing missing, nothing extra, no wildcards, in every install mode.
 */
class OperatorPermissionsTest {

  /** Cluster-scoped resources among the operator's needs: a Role cannot grant them. */
  private static final Set<String> CLUSTER_SCOPED = Set.of("nodes", "storageclasses");

  /** The leader-election Lease lives in the operator's own namespace only. */
  private static final String LEASES = "leases";

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void clusterWideGrantsExactlyWhatTheOperatorNeeds() {
    RenderedChart rendered = chart.render(Map.of("clusterWide", true));

    Set<Grant> granted = new LinkedHashSet<>();
    rendered.all(ClusterRole.class).forEach(r -> granted.addAll(Grant.ofRules(r.getRules())));
    rendered.all(Role.class).forEach(r -> granted.addAll(Grant.ofRules(r.getRules())));

    assertThat(granted).containsExactlyInAnyOrderElementsOf(required());
  }

  /**
   * Per-database PodMonitors (the default once podMonitors are on) add exactly the PodMonitor rule
   * and drop the shared scrape-token Secret's; the shared PodMonitors (perDatabase: false) keep
   * that Secret rule and get no PodMonitor access.
   */
  @Test
  void perDatabasePodMonitorsAddExactlyThePodMonitorRule() {
    RenderedChart rendered =
        chart.render(Map.of("clusterWide", true, "metrics.podMonitors.enabled", true));
    Set<Grant> granted = new LinkedHashSet<>();
    rendered.all(ClusterRole.class).forEach(r -> granted.addAll(Grant.ofRules(r.getRules())));
    rendered.all(Role.class).forEach(r -> granted.addAll(Grant.ofRules(r.getRules())));
    Set<Grant> expected = new LinkedHashSet<>(required());
    PermissionRule pm = RequiredPermissions.POD_MONITORS;
    expected.addAll(Grant.of(pm.apiGroups(), pm.resources(), pm.verbs()));
    assertThat(granted).containsExactlyInAnyOrderElementsOf(expected);

    RenderedChart shared =
        chart.render(
            Map.of(
                "clusterWide", true,
                "metrics.podMonitors.enabled", true,
                "metrics.podMonitors.perDatabase", false));
    Set<Grant> sharedGrants = new LinkedHashSet<>();
    shared.all(ClusterRole.class).forEach(r -> sharedGrants.addAll(Grant.ofRules(r.getRules())));
    shared.all(Role.class).forEach(r -> sharedGrants.addAll(Grant.ofRules(r.getRules())));
    assertThat(sharedGrants).noneMatch(g -> g.resource().equals("podmonitors"));
  }

  @Test
  void byDefaultTheOperatorGetsNamespacedAccessOnlyInItsOwnNamespace() {
    RenderedChart rendered = chart.render();

    Set<Grant> inReleaseNamespace =
        rendered.all(Role.class).stream()
            .peek(
                r -> assertThat(r.getMetadata().getNamespace()).isEqualTo(ChartUnderTest.NAMESPACE))
            .flatMap(r -> Grant.ofRules(r.getRules()).stream())
            .collect(Collectors.toSet());
    Set<Grant> expected = new LinkedHashSet<>(namespacedNeeds());
    expected.addAll(leaseNeeds());

    assertThat(inReleaseNamespace).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(grants(rendered.all(ClusterRole.class)))
        .as("no cluster-wide access to Secrets, pods or StatefulSets unless clusterWide")
        .containsExactlyInAnyOrderElementsOf(clusterScopedNeeds());
  }

  @Test
  void clusterWideAndANamespaceListTogetherAreRefused() {
    assertThatThrownBy(
            () -> chart.render(Map.of("clusterWide", true, "watchNamespaces[0]", "team-a")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clusterWide");
  }

  /**
   * The router's Role (built by the operator, granted by it within what the chart grants the
   * operator) holds nothing on Secrets: a compromised router can neither read the shard credential
   * or the admin token through the API nor rewrite its own token; nor can it write its
   * ShardedDatabase.
   */
  @ParameterizedTest(name = "examples/{0}")
  @ValueSource(
      strings = {"students.yaml", "quickstart.yaml", "awaiting-init.yaml", "production.yaml"})
  void theRoutersRoleCannotReadOrRewriteAnySecret(String example) throws IOException {
    ShardedDatabase sdb =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(chart.repoRoot().resolve("examples").resolve(example)),
                ShardedDatabase.class);
    sdb.getMetadata().setNamespace("team-a");

    Set<Grant> routerGrants =
        Grant.ofRules(RouterModel.role(DatabaseModel.of(sdb, Images.DEFAULTS)).getRules());

    assertThat(routerGrants).noneMatch(Grant::isWildcard);
    assertThat(routerGrants).extracting(Grant::resource).doesNotContain("secrets");
    assertThat(routerGrants)
        .extracting(Grant::resource)
        .containsOnly("shardeddatabases", "shardeddatabases/status", "configmaps", "events");
    // No write on the ShardedDatabase: layout changes go through the request object the operator
    // validates and merges (docs/security.md).
    assertThat(routerGrants)
        .filteredOn(g -> g.resource().startsWith("shardeddatabases"))
        .extracting(Grant::verb)
        .containsOnly("get", "list", "watch");
    // That request object: read and update only (the operator creates it).
    assertThat(routerGrants)
        .filteredOn(g -> g.resource().equals("configmaps"))
        .extracting(Grant::verb)
        .containsOnly("get", "update");
    // Events only to list them (the web console shows the database's); nothing written.
    assertThat(routerGrants)
        .filteredOn(g -> g.resource().equals("events"))
        .extracting(Grant::verb)
        .containsOnly("list");
  }

  @Test
  void watchingANamespaceListGrantsNamespacedNeedsOnlyInThoseNamespaces() {
    RenderedChart rendered =
        chart.render(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));

    Map<String, Set<Grant>> byNamespace =
        rendered.all(Role.class).stream()
            .collect(
                Collectors.groupingBy(
                    r -> r.getMetadata().getNamespace(),
                    Collectors.flatMapping(
                        r -> Grant.ofRules(r.getRules()).stream(), Collectors.toSet())));
    Set<Grant> clusterWide = grants(rendered.all(ClusterRole.class));

    assertThat(byNamespace).containsOnlyKeys("team-a", "team-b", ChartUnderTest.NAMESPACE);
    assertThat(byNamespace.get("team-a")).containsExactlyInAnyOrderElementsOf(namespacedNeeds());
    assertThat(byNamespace.get("team-b")).containsExactlyInAnyOrderElementsOf(namespacedNeeds());
    assertThat(byNamespace.get(ChartUnderTest.NAMESPACE))
        .containsExactlyInAnyOrderElementsOf(leaseNeeds());
    assertThat(clusterWide)
        .as("cluster-wide grants are only those a Role cannot hold")
        .containsExactlyInAnyOrderElementsOf(clusterScopedNeeds());
  }

  @Test
  void withoutLeaderElectionNoLeaseAccessIsGranted() {
    RenderedChart rendered = chart.render(Map.of("leaderElection.enabled", false));

    Set<Grant> granted = grants(rendered.all(ClusterRole.class));
    rendered.all(Role.class).forEach(r -> granted.addAll(Grant.ofRules(r.getRules())));

    assertThat(granted).extracting(Grant::resource).doesNotContain(LEASES);
    Set<Grant> expected = new LinkedHashSet<>(required());
    expected.removeAll(leaseNeeds());
    assertThat(granted).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void noRuleUsesAWildcard() {
    for (RenderedChart rendered :
        List.of(chart.render(), chart.render(ChartUnderTest.valuesFile("non-default.yaml")))) {
      Set<Grant> granted = grants(rendered.all(ClusterRole.class));
      rendered.all(Role.class).forEach(r -> granted.addAll(Grant.ofRules(r.getRules())));
      assertThat(granted).noneMatch(Grant::isWildcard);
    }
  }

  @Test
  void withRbacCreateFalseTheChartCreatesNoRbacObjects() {
    RenderedChart rendered = chart.render(Map.of("rbac.create", false));

    assertThat(rendered.objects())
        .extracting(o -> o.getKind())
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  }

  /**
   * Kubernetes refuses to let the operator create the router's Role unless the operator itself
   * holds every permission in it (RBAC escalation prevention), in both install modes.
   */
  @ParameterizedTest(name = "examples/{0}")
  @ValueSource(
      strings = {"students.yaml", "quickstart.yaml", "awaiting-init.yaml", "production.yaml"})
  void theOperatorHoldsEveryPermissionItGrantsTheRouter(String example) throws IOException {
    ShardedDatabase sdb =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(chart.repoRoot().resolve("examples").resolve(example)),
                ShardedDatabase.class);
    sdb.getMetadata().setNamespace("team-a");
    Set<Grant> routerNeeds =
        Grant.ofRules(RouterModel.role(DatabaseModel.of(sdb, Images.DEFAULTS)).getRules());

    Set<Grant> clusterWide =
        grants(chart.render(Map.of("clusterWide", true)).all(ClusterRole.class));
    Set<Grant> inTeamA =
        chart.render(Map.of("watchNamespaces[0]", "team-a")).all(Role.class).stream()
            .filter(r -> r.getMetadata().getNamespace().equals("team-a"))
            .flatMap(r -> Grant.ofRules(r.getRules()).stream())
            .collect(Collectors.toSet());

    assertThat(routerNeeds).isNotEmpty();
    assertThat(clusterWide).containsAll(routerNeeds);
    assertThat(inTeamA).containsAll(routerNeeds);
  }

  private static Set<Grant> grants(List<ClusterRole> roles) {
    Set<Grant> grants = new LinkedHashSet<>();
    for (ClusterRole role : roles) {
      List<PolicyRule> rules = role.getRules();
      grants.addAll(Grant.ofRules(rules));
    }
    return grants;
  }

  private static Set<Grant> required() {
    Set<Grant> grants = new LinkedHashSet<>();
    for (PermissionRule rule : RequiredPermissions.RULES) {
      grants.addAll(Grant.of(rule.apiGroups(), rule.resources(), rule.verbs()));
    }
    return grants;
  }

  private static Set<Grant> clusterScopedNeeds() {
    return required().stream()
        .filter(g -> CLUSTER_SCOPED.contains(g.resource()))
        .collect(Collectors.toSet());
  }

  private static Set<Grant> leaseNeeds() {
    return required().stream().filter(g -> g.resource().equals(LEASES)).collect(Collectors.toSet());
  }

  private static Set<Grant> namespacedNeeds() {
    return required().stream()
        .filter(g -> !CLUSTER_SCOPED.contains(g.resource()) && !g.resource().equals(LEASES))
        .collect(Collectors.toSet());
  }
}
