package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.operator.testing.Fixtures;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router's objects, secrets, config and images, field by field. */
class RouterModelTest {

  private final DatabaseModel students =
      DatabaseModel.of(Fixtures.load("students.yaml", "ns"), Images.DEFAULTS);
  private final DatabaseModel legacy =
      DatabaseModel.of(Fixtures.load("awaiting-init.yaml", "ns"), Images.DEFAULTS);
  private final DatabaseModel orders =
      DatabaseModel.of(Fixtures.load("production.yaml", "ns"), Images.DEFAULTS);

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theRouterFollowsItsDatabaseThroughKubernetesWithTheTokenFromItsSecret() {
    Deployment d = RouterModel.deployment(students);
    Container router = d.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(d.getMetadata().getName()).isEqualTo("students-router");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(router.getImage()).isEqualTo("shardeddb/router:" + Images.VERSION);
    assertThat(router.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(router.getPorts().get(0).getName()).isEqualTo("http");
    assertThat(router.getPorts().get(1).getContainerPort()).isEqualTo(3306);
    assertThat(router.getPorts().get(1).getName()).isEqualTo("mysql");
    assertThat(env(router, "SHARDEDDB_ROUTER_TOPOLOGY_SOURCE").getValue()).isEqualTo("kubernetes");
    assertThat(env(router, "SHARDEDDB_ROUTER_DATABASE").getValue()).isEqualTo("students");
    assertThat(
            env(router, "SHARDEDDB_ROUTER_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env(router, "SHARDEDDB_ROUTER_AUTH_ENABLED").getValue()).isEqualTo("true");
    assertThat(tokenVolume(d).getSecret().getSecretName()).isEqualTo("students-router-token");
    assertThat(router.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/readiness");
    // Seven JVMs starting at once on a busy 2-core node took over 50 s to listen and were killed
    // by liveness: liveness waits for a startup probe (minutes of budget), and a slow answer
    // under load is not a dead process.
    assertThat(router.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health/liveness");
    assertThat(
            List.of(
                router.getStartupProbe(), router.getReadinessProbe(), router.getLivenessProbe()))
        .as("probes ask the management port, over HTTPS with TLS on")
        .allSatisfy(
            p -> {
              assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("management");
              assertThat(p.getHttpGet().getScheme()).isEqualTo("HTTPS");
            });
    assertThat(env(router, "SHARDEDDB_MANAGEMENT_PORT").getValue())
        .isEqualTo("" + ShardedDatabaseResources.MANAGEMENT_PORT);
    assertThat(
            router.getStartupProbe().getPeriodSeconds()
                * router.getStartupProbe().getFailureThreshold())
        .isGreaterThanOrEqualTo(180);
    assertThat(router.getLivenessProbe().getTimeoutSeconds()).isGreaterThanOrEqualTo(5);
    assertThat(router.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(router.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(ShardModelTest.writable(d.getSpec().getTemplate().getSpec(), router))
        .containsOnlyKeys("/tmp");
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("students-router");
  }

  @Test
  void authCanBeSwitchedOffAndANamedTokenSecretIsUsed() {
    Container legacyRouter =
        RouterModel.deployment(legacy).getSpec().getTemplate().getSpec().getContainers().get(0);
    Container ordersRouter =
        RouterModel.deployment(orders).getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(env(legacyRouter, "SHARDEDDB_ROUTER_AUTH_ENABLED").getValue()).isEqualTo("false");
    assertThat(tokenVolume(RouterModel.deployment(orders)).getSecret().getSecretName())
        .isEqualTo("orders-router-token");
  }

  @Test
  void theRouterReadsBothTokensFromItsMountedSecretAndNoneFromTheEnvironment() {
    for (boolean dataCredential : new boolean[] {true, false}) {
      Deployment d = RouterModel.deployment(students, dataCredential);
      var pod = d.getSpec().getTemplate().getSpec();
      Container router = pod.getContainers().get(0);

      var secret = tokenVolume(d).getSecret();
      assertThat(secret.getSecretName()).isEqualTo("students-router-token");
      assertThat(secret.getItems())
          .as("both keys, each required (the data token never stands in for the admin token)")
          .extracting(i -> i.getKey() + "=" + i.getPath())
          .containsExactly("token=token", "admin-token=admin-token");
      assertThat(secret.getItems()).allSatisfy(i -> assertThat(i.getMode()).isNull());
      assertThat(secret.getOptional()).isNotEqualTo(Boolean.TRUE);
      // Read-only, readable by the pod's group only: the kubelet makes the files root's and the
      // group the pod's fsGroup, which the non-root router belongs to.
      assertThat(secret.getDefaultMode()).isEqualTo(0440);
      assertThat(pod.getSecurityContext().getFsGroup()).isNotNull();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(router.getVolumeMounts())
          .filteredOn(m -> m.getName().equals(tokenVolume(d).getName()))
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.getMountPath()).isEqualTo(TOKEN_MOUNT);
                assertThat(m.getReadOnly()).isTrue();
              });
      assertThat(env(router, "SHARDEDDB_ROUTER_AUTH_TOKEN_FILE").getValue())
          .isEqualTo(TOKEN_MOUNT + "/token");
      assertThat(env(router, "SHARDEDDB_ROUTER_AUTH_ADMIN_TOKEN_FILE").getValue())
          .isEqualTo(TOKEN_MOUNT + "/admin-token");
      // A token in the environment is not reloaded and shows in the pod's /proc/<pid>/environ.
      assertThat(router.getEnv())
          .extracting(EnvVar::getName)
          .doesNotContain("SHARDEDDB_ROUTER_AUTH_TOKEN", "SHARDEDDB_ROUTER_AUTH_ADMIN_TOKEN");
      assertThat(router.getEnv())
          .filteredOn(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
          .extracting(e -> e.getValueFrom().getSecretKeyRef().getName())
          .doesNotContain("students-router-token");
    }
  }

  static final String TOKEN_MOUNT = "/var/run/secrets/shardeddb/router-token";

  /** The pod's one volume of the router token Secret. */
  private static Volume tokenVolume(Deployment d) {
    List<Volume> volumes =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .filter(v -> v.getSecret().getSecretName().endsWith("-router-token"))
            .toList();
    assertThat(volumes).as("volumes of the router token Secret").hasSize(1);
    return volumes.get(0);
  }

  @Test
  void theRouterMayOnlyReadItsOwnShardedDatabaseAndWriteOnlyItsLayoutRequest() {
    Role role = RouterModel.role(students);

    assertThat(role.getRules().subList(0, 2))
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("shardeddb.io");
              assertThat(r.getResourceNames()).containsExactly("students");
              // Layout changes go through the request object the operator validates and merges.
              assertThat(r.getVerbs())
                  .doesNotContain("create", "update", "patch", "delete", "deletecollection", "*");
            });
    assertThat(role.getRules().get(0).getVerbs()).containsExactly("get", "list", "watch");
    // The layout request: one ConfigMap by name, read and update only (the operator creates it).
    assertThat(role.getRules().get(2).getResources()).containsExactly("configmaps");
    assertThat(role.getRules().get(2).getResourceNames())
        .containsExactly("students-layout-request");
    assertThat(role.getRules().get(2).getVerbs()).containsExactly("get", "update");
    // The console's Events: list only.
    assertThat(role.getRules().get(3).getResources()).containsExactly("events");
    assertThat(role.getRules().get(3).getVerbs()).containsExactly("list");
    assertThat(RouterModel.roleBinding(students).getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("students-router");
              assertThat(s.getNamespace()).isEqualTo("ns");
            });
  }

  @Test
  void theRouterServiceAndPolicyExposeOnlyHttpAndTheMysqlProtocol() {
    assertThat(RouterModel.service(students).getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("http:8080->http", "mysql:3306->mysql");
    assertThat(NetworkPolicies.router(students).getSpec().getIngress())
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.getPorts())
                    .extracting(p -> p.getPort().getIntVal())
                    .containsExactly(8080, 3306));
  }

  @Test
  void generatedSecretsAreRandomOnceAndThenKept() {
    SecretModel secrets = new SecretModel(new SecureRandom());

    Secret first = secrets.mysql(students, null);
    Secret again = secrets.mysql(students, first);
    Secret other = secrets.mysql(students, null);

    assertThat(first.getMetadata().getName()).isEqualTo("students-mysql");
    assertThat(first.getData()).containsKeys("username", "password", "root-password");
    assertThat(again.getData()).isEqualTo(first.getData());
    assertThat(other.getData().get("password")).isNotEqualTo(first.getData().get("password"));
    assertThat(secrets.routerToken(students, null).getData()).containsKey("token");
  }

  @Test
  void theConfigMapDescribesSchemaAndLayoutDeterministically() {
    var cm = ConfigModel.configMap(students);

    assertThat(cm.getMetadata().getName()).isEqualTo("students-config");
    assertThat(cm.getData().get("schema.json")).contains("Stud_id").contains("Stud_marks");
    assertThat(cm.getData().get("shards.json")).contains("sh4");
    assertThat(ConfigModel.configMap(students)).isEqualTo(cm);
  }

  @Test
  void imagesComeFromTheEnvironmentOneByOne() {
    Images images = Images.fromEnvironment(Map.of(Images.ROUTER_ENV, "registry/router:9"));

    assertThat(images.router()).isEqualTo("registry/router:9");
    assertThat(images.shardServer()).isEqualTo("shardeddb/shard-server:" + Images.VERSION);
    assertThat(images.mysql()).isEqualTo("mysql:8.4");
  }

  @Test
  void theResourcesTokenOverlapReachesTheRouterAsADuration() {
    Container byDefault =
        RouterModel.deployment(students).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(byDefault, "SHARDEDDB_ROUTER_AUTH_OVERLAP").getValue()).isEqualTo("300s");

    var sdb = Fixtures.load("students.yaml", "ns");
    sdb.setSpec(
        sdb.getSpec()
            .withRouter(
                new io.shardeddb.api.v1alpha1.RouterSpec(
                    2, new io.shardeddb.api.v1alpha1.RouterAuthSpec(true, false, 900))));
    Container longer =
        RouterModel.deployment(DatabaseModel.of(sdb, Images.DEFAULTS))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(env(longer, "SHARDEDDB_ROUTER_AUTH_OVERLAP").getValue())
        .as("read by the router as shardeddb.router.auth.overlap")
        .isEqualTo("900s");
  }

  @Test
  void theRouterGetsASeparateAdminTokenAndOnlyTheMountedShardDataCredential() {
    Deployment d = RouterModel.deployment(students);
    var pod = d.getSpec().getTemplate().getSpec();
    Container router = pod.getContainers().get(0);

    assertThat(tokenVolume(d).getSecret().getItems())
        .extracting(i -> i.getKey())
        .as("required: the data token never stands in for the admin token")
        .contains("admin-token");
    assertThat(env(router, "SHARDEDDB_ROUTER_AUTH_OPEN_ADMIN_FOR_ASSIGNMENT").getValue())
        .isEqualTo("false");

    // The router never holds the shard credential (control and replication endpoints); besides
    // the data credential it mounts only its own tokens and its TLS identity.
    assertThat(pod.getVolumes())
        .filteredOn(
            v ->
                v.getSecret() != null
                    && !v.getName().equals("tls")
                    && !v.getName().equals("metrics-auth")
                    && !v.getSecret().getSecretName().endsWith("-router-token"))
        .singleElement()
        .satisfies(
            v -> assertThat(v.getSecret().getSecretName()).isEqualTo("students-shard-data-auth"));
    assertThat(router.getVolumeMounts())
        .filteredOn(
            m ->
                !m.getName().equals("tls")
                    && !m.getName().equals("metrics-auth")
                    && !m.getMountPath().equals("/tmp")
                    && !m.getMountPath().equals(TOKEN_MOUNT))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getReadOnly()).isTrue();
              assertThat(m.getMountPath())
                  .isEqualTo(ShardedDatabaseResources.SHARD_DATA_AUTH_MOUNT)
                  .isEqualTo(env(router, "SHARDEDDB_ROUTER_SHARD_AUTH_DIR").getValue());
            });
  }

  @Test
  void routersSwitchToTheDataCredentialOnlyOnceEveryShardPodAcceptsIt() {
    Pod current = shardPod("students-sh1-0", ShardModel.SHARD_DATA_AUTH_VOLUME);
    Pod old = shardPod("students-sh1-1", "shard-auth");
    Pod routerPod = shardPod("students-router-x", "shard-auth");
    routerPod.getMetadata().getLabels().put(Labels.COMPONENT, Labels.COMPONENT_ROUTER);

    assertThat(RouterModel.shardsAcceptDataCredential(List.of())).as("no pods yet").isTrue();
    assertThat(RouterModel.shardsAcceptDataCredential(List.of(current, routerPod))).isTrue();
    assertThat(RouterModel.shardsAcceptDataCredential(List.of(current, old)))
        .as("an upgrade's roll: an old shard-server would refuse the data credential")
        .isFalse();

    Deployment during = RouterModel.deployment(students, false);
    assertThat(during.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(
            v ->
                v.getSecret() != null
                    && !v.getName().equals("tls")
                    && !v.getName().equals("metrics-auth")
                    && !v.getSecret().getSecretName().endsWith("-router-token"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("students-shard-auth"));
    assertThat(
            env(
                    during.getSpec().getTemplate().getSpec().getContainers().get(0),
                    "SHARDEDDB_ROUTER_SHARD_AUTH_DIR")
                .getValue())
        .isEqualTo(ShardedDatabaseResources.SHARD_AUTH_MOUNT);
  }

  private static Pod shardPod(String name, String volume) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(new java.util.HashMap<>(Map.of(Labels.COMPONENT, Labels.COMPONENT_SHARD)))
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName(volume)
        .endVolume()
        .endSpec()
        .build();
  }

  @Test
  void generatedRouterTokensAreTwoDifferentValuesKeptOnceGenerated() {
    SecretModel secrets = new SecretModel(new SecureRandom());

    Secret first = secrets.routerToken(students, null);
    Secret again = secrets.routerToken(students, first);

    assertThat(first.getData()).containsOnlyKeys("token", "admin-token");
    assertThat(first.getData().get("admin-token")).isNotEqualTo(first.getData().get("token"));
    assertThat(again.getData()).isEqualTo(first.getData());
  }

  @Test
  void theShardCredentialIsGeneratedOnceAndKeysAddedForARotationAreKept() {
    SecretModel secrets = new SecretModel(new SecureRandom());

    Secret first = secrets.shardAuth(students, null);
    assertThat(first.getMetadata().getName()).isEqualTo("students-shard-auth");
    assertThat(first.getData()).containsOnlyKeys("token");

    Secret rotating = new io.fabric8.kubernetes.api.model.SecretBuilder(first).build();
    rotating.getData().put("token", "bmV3");
    rotating.getData().put("previous", first.getData().get("token"));
    Secret kept = secrets.shardAuth(students, rotating);

    assertThat(kept.getData()).isEqualTo(rotating.getData());
    assertThat(secrets.shardAuth(students, null).getData().get("token"))
        .isNotEqualTo(first.getData().get("token"));
  }

  @Test
  void theChartsScrapeTokenIsAddedToEveryScrapeCredentialAndFollowsItsCurrentValue() {
    SecretModel secrets = new SecretModel(new SecureRandom());
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    DatabaseModel scraped =
        students.withScraper(
            MetricsScraper.parse("monitoring", "app.kubernetes.io/name=prometheus")
                .withToken("chart-token-1"));
    Secret first = secrets.metricsAuth(scraped, null);
    assertThat(first.getData())
        .containsOnlyKeys("token", "scraper")
        .containsEntry("scraper", b64.encodeToString("chart-token-1".getBytes()));
    // The chart's token changed (operator restarted with the new one): the key follows it, the
    // database's own token stays.
    Secret second =
        secrets.metricsAuth(
            students.withScraper(
                MetricsScraper.parse("monitoring", "app.kubernetes.io/name=prometheus")
                    .withToken("chart-token-2")),
            first);
    assertThat(second.getData())
        .containsEntry("scraper", b64.encodeToString("chart-token-2".getBytes()))
        .containsEntry("token", first.getData().get("token"));
    // No chart token: nothing added.
    assertThat(secrets.metricsAuth(students, null).getData()).containsOnlyKeys("token");
    // The chart's token no longer configured: the shared key is removed from the database's
    // Secret (it would go on opening /prometheus), the database's own token and other keys kept.
    Secret rotating = new io.fabric8.kubernetes.api.model.SecretBuilder(second).build();
    rotating.getData().put("previous", second.getData().get("token"));
    assertThat(secrets.metricsAuth(students, rotating).getData())
        .containsOnlyKeys("token", "previous")
        .containsEntry("token", first.getData().get("token"));
  }

  @Test
  void theScrapeCredentialIsGeneratedOnceKeptWithRotationKeysAndMountedWhereTheRouterReadsIt() {
    SecretModel secrets = new SecretModel(new SecureRandom());
    Secret first = secrets.metricsAuth(students, null);
    assertThat(first.getMetadata().getName()).isEqualTo("students-metrics");
    assertThat(first.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "metrics-auth");
    assertThat(first.getData()).containsOnlyKeys("token");
    Secret rotating = new io.fabric8.kubernetes.api.model.SecretBuilder(first).build();
    rotating.getData().put("previous", first.getData().get("token"));
    assertThat(secrets.metricsAuth(students, rotating).getData()).isEqualTo(rotating.getData());
    assertThat(secrets.metricsAuth(students, null).getData().get("token"))
        .isNotEqualTo(first.getData().get("token"));

    io.fabric8.kubernetes.api.model.PodSpec pod =
        RouterModel.deployment(students, true).getSpec().getTemplate().getSpec();
    Container router = pod.getContainers().get(0);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("metrics-auth"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("students-metrics"));
    assertThat(router.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("metrics-auth"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath())
                  .isEqualTo(env(router, "SHARDEDDB_METRICS_AUTH_DIR").getValue());
              assertThat(m.getReadOnly()).isTrue();
            });
    // TLS on (the default): the management port speaks TLS, so the kubelet probes over HTTPS.
    assertThat(router.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(router.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(router.getStartupProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
  }

  @Test
  void theRoutersRoleGrantsNothingOnSecretsSoItCannotReadOrRewriteAnyToken() {
    Role role = RouterModel.role(students);

    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getResources()).doesNotContain("secrets", "*");
              if (r.getApiGroups().contains("")) {
                assertThat(r.getResources()).containsAnyOf("events", "configmaps").hasSize(1);
              }
              assertThat(r.getVerbs()).doesNotContain("*");
            });
  }

  @Test
  void theRoutersMemoryRequestEqualsItsLimitAndTheHeapIsSizedFromIt() {
    Container router =
        RouterModel.deployment(students).getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(router.getResources().getRequests().get("memory"))
        .isEqualTo(router.getResources().getLimits().get("memory"));
    assertThat(env(router, "JDK_JAVA_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=");
  }
}
