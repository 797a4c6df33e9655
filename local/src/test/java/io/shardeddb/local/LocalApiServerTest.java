package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.shardeddb.protocol.tls.Tls;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode's API answers only requests that carry its kubeconfig's token (401 and a Kubernetes
 * Status otherwise, as kube-apiserver does), a plain HTTP watch ({@code GET ?watch=true}, as
 * kubectl and client-go send it) with a chunked stream of JSON events, and Tables when asked for
 * them; each watch ends when its client goes away or its timeout passes.
 */
class LocalApiServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
          + "g=meta.k8s.io,application/json";
  private static final String EOF = "<end of stream>";
  private static final ResourceDefinitionContext SDB =
      new ResourceDefinitionContext.Builder()
          .withGroup("shardeddb.io")
          .withVersion("v1alpha1")
          .withKind("ShardedDatabase")
          .withPlural("shardeddatabases")
          .withNamespaced(true)
          .build();

  private LocalKubernetes kube;
  private Path kubeconfig;
  private HttpClient http;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    kubeconfig = dir.resolve("kubeconfig");
    kube = LocalKubernetes.start(0, kubeconfig, "default");
    // HTTPS, verified against the cluster's API CA (the kubeconfig's certificate-authority-data).
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(Tls.routerClientContext(kube.caPem()))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Path crd =
        Path.of(System.getProperty("shardeddb.home", ".."))
            .resolve("crds/shardeddatabases.shardeddb.io-v1.yml");
    try (InputStream in = Files.newInputStream(crd)) {
      kube.installCrd(in);
    }
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void aRequestWithoutTheKubeconfigsTokenIsRefusedWithAnUnauthorizedStatus() throws Exception {
    String path = "/api/v1/namespaces/default/configmaps";
    for (String authorization :
        new String[] {
          null,
          "",
          "Bearer",
          "Bearer ",
          "Bearer local",
          "Bearer " + token() + "x",
          "Basic " + token()
        }) {
      HttpResponse<String> refused = send(path, authorization);

      assertThat(refused.statusCode()).as("Authorization: %s", authorization).isEqualTo(401);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode status = JSON.readTree(refused.body());
      assertThat(status.path("kind").asText()).isEqualTo("Status");
      assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
      assertThat(status.path("status").asText()).isEqualTo("Failure");
      assertThat(status.path("message").asText()).isEqualTo("Unauthorized");
      assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
      assertThat(status.path("code").asInt()).isEqualTo(401);
    }
    assertThat(send(path + "?watch=true&timeoutSeconds=1", null).statusCode())
        .as("a plain HTTP watch without the token")
        .isEqualTo(401);
    assertThat(send("/version", null).statusCode()).as("discovery").isEqualTo(401);
    assertThat(kube.openHttpWatches()).isZero();
  }

  @Test
  void aRequestWithTheKubeconfigsTokenIsServed() throws Exception {
    configMap("seen", Map.of());

    HttpResponse<String> served = send("/api/v1/namespaces/default/configmaps", bearer());

    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(JSON.readTree(served.body()).path("items").findValuesAsText("name"))
        .contains("seen");
  }

  @Test
  void theKubeconfigIsOwnerOnlyAndHoldsAFreshRandomTokenPerCluster(@TempDir Path other)
      throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig)))
        .isEqualTo("rw-------");
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:");
    assertThat(config.getCaCertData()).as("the API's CA, so clients verify it").isNotBlank();
    String token = token();
    assertThat(token).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");

    try (LocalKubernetes second =
        LocalKubernetes.start(0, other.resolve("kubeconfig"), "default")) {
      assertThat(tokenOf(other.resolve("kubeconfig"))).isNotEqualTo(token);
    }
  }

  @Test
  void theInProcessClientsWebSocketWatchCarriesTheToken() throws Exception {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    try (io.fabric8.kubernetes.client.Watch watch =
        kube.client()
            .configMaps()
            .inNamespace("default")
            .watch(
                new io.fabric8.kubernetes.client.Watcher<>() {
                  @Override
                  public void eventReceived(
                      Action action, io.fabric8.kubernetes.api.model.ConfigMap resource) {
                    seen.add(action + " " + resource.getMetadata().getName());
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
      configMap("watched", Map.of());

      assertThat(seen.poll(30, TimeUnit.SECONDS)).isEqualTo("ADDED watched");
    }
  }

  @Test
  void aWatchFromTheListsVersionStreamsLaterChangesOnlyAndEndsWhenTheClientGoesAway()
      throws Exception {
    configMap("before", Map.of());
    String listed =
        list("/api/v1/namespaces/default/configmaps")
            .path("metadata")
            .path("resourceVersion")
            .asText();
    assertThat(listed).isNotEmpty();

    Watch watch =
        watch(
            "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + listed,
            "application/json");
    assertThat(watch.status).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.openHttpWatches() == 1);
    configMap("before", Map.of("color", "blue"));
    configMap("after", Map.of());

    JsonNode first = JSON.readTree(watch.next());
    assertThat(first.path("type").asText()).isEqualTo("MODIFIED");
    assertThat(first.path("object").path("metadata").path("name").asText()).isEqualTo("before");
    assertThat(first.path("object").path("metadata").path("labels").path("color").asText())
        .isEqualTo("blue");
    JsonNode second = JSON.readTree(watch.next());
    assertThat(second.path("type").asText()).isEqualTo("ADDED");
    assertThat(second.path("object").path("metadata").path("name").asText()).isEqualTo("after");

    watch.body.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.openHttpWatches() == 0);
  }

  @Test
  void aWatchEndsByItselfAfterItsTimeout() throws Exception {
    Watch watch =
        watch(
            "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1",
            "application/json");

    assertThat(watch.status).isEqualTo(200);
    assertThat(watch.next()).isEqualTo(EOF);
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.openHttpWatches() == 0);
  }

  @Test
  void aCustomResourceListAndItsWatchEventsAreTablesWithThePrinterColumnsWhenAsked()
      throws Exception {
    sdb(Map.of());

    JsonNode table = get("/apis/shardeddb.io/v1alpha1/namespaces/default/shardeddatabases", TABLE);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .as("the CRD's order, Age last")
        .containsExactly(
            "Name", "Ready", "Shards", "Replicas", "Primaries", "Resharding", "Sharding", "Age");
    assertThat(table.path("rows").get(0).path("cells").get(0).asText()).isEqualTo("students");
    String listed = table.path("metadata").path("resourceVersion").asText();
    assertThat(
            get(
                    "/apis/shardeddb.io/v1alpha1/namespaces/default/shardeddatabases",
                    "application/json")
                .path("kind")
                .asText())
        .as("plain JSON without the Table Accept header")
        .isNotEqualTo("Table");

    Watch watch =
        watch(
            "/apis/shardeddb.io/v1alpha1/namespaces/default/shardeddatabases?watch=true&resourceVersion="
                + listed,
            TABLE);
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.openHttpWatches() == 1);
    sdb(Map.of("edited", "yes"));

    JsonNode event = JSON.readTree(watch.next());
    assertThat(event.path("type").asText()).isEqualTo("MODIFIED");
    assertThat(event.path("object").path("kind").asText()).isEqualTo("Table");
    assertThat(event.path("object").path("rows").get(0).path("cells").get(0).asText())
        .isEqualTo("students");
    watch.body.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.openHttpWatches() == 0);
  }

  @Test
  void discoveryNamesTheCrdsCategorySoKubectlCanExpandIt() throws Exception {
    JsonNode resources = get("/apis/shardeddb.io/v1alpha1", "application/json");

    assertThat(resources.path("resources"))
        .filteredOn(r -> r.path("name").asText().equals("shardeddatabases"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path("categories"))
                  .extracting(JsonNode::asText)
                  .containsExactly("shardeddb-all");
              assertThat(r.path("shortNames"))
                  .extracting(JsonNode::asText)
                  .containsExactly("sdb", "shardeddb");
            });
  }

  /**
   * A JSON patch whose {@code test} operation fails is refused at once with 422 Invalid, as the API
   * server does (the operator clears a request annotation with a test of its value first). Before,
   * the store's patch handler threw, nothing answered, and the client waited for its timeout and
   * retried: the operator's reconcile thread hung for two minutes (RequestCommandsIT, fresh-clone
   * CI 2026-11-26 06:14).
   */
  @Test
  void aJsonPatchWhoseTestFailsIsRefusedWithUnprocessableEntityAtOnce() throws Exception {
    configMap("tested", Map.of());
    String patch =
        "[{\"op\":\"test\",\"path\":\"/metadata/annotations/gone\",\"value\":\"x\"},"
            + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/gone\"}]";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(kube.url() + "/api/v1/namespaces/default/configmaps/tested"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", bearer())
            .header("Content-Type", "application/json-patch+json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
            .build();

    HttpResponse<String> refused = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    JsonNode status = JSON.readTree(refused.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("message").asText()).contains("gone");
    // The object is unchanged and the server goes on answering.
    assertThat(send("/api/v1/namespaces/default/configmaps/tested", bearer()).statusCode())
        .isEqualTo(200);
  }

  private void configMap(String name, Map<String, String> labels) {
    kube.client()
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .addToData("k", "v")
                .build())
        .createOr(c -> c.update());
  }

  private void sdb(Map<String, String> labels) {
    GenericKubernetesResource db =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("shardeddb.io/v1alpha1")
            .withKind("ShardedDatabase")
            .withNewMetadata()
            .withName("students")
            .withNamespace("default")
            .withLabels(labels)
            .endMetadata()
            .addToAdditionalProperties("spec", Map.of("sharding", "Hash"))
            .build();
    kube.client()
        .genericKubernetesResources(SDB)
        .inNamespace("default")
        .resource(db)
        .createOr(c -> c.update());
  }

  private JsonNode list(String path) throws Exception {
    return get(path, "application/json");
  }

  private JsonNode get(String path, String accept) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(kube.url() + path))
                .header("Accept", accept)
                .header("Authorization", bearer())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** A GET with the given {@code Authorization} header (none when null). */
  private HttpResponse<String> send(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(kube.url() + path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The header kubectl sends with the kubeconfig's token. */
  private String bearer() throws Exception {
    return "Bearer " + token();
  }

  private String token() throws Exception {
    return tokenOf(kubeconfig);
  }

  /** The token a client reading this kubeconfig sends (fabric8 keeps a file's token as "auto"). */
  private static String tokenOf(Path kubeconfig) throws Exception {
    return Config.fromKubeconfig(Files.readString(kubeconfig)).getAutoOAuthToken();
  }

  /** An open watch: its status and a reader thread that queues each line (then {@link #EOF}). */
  private Watch watch(String path, String accept) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(kube.url() + path))
                .header("Accept", accept)
                .header("Authorization", bearer())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    Watch w = new Watch(r.statusCode(), r.body());
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(w.body, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  w.lines.add(line);
                }
              } catch (Exception e) {
                // closed by the test
              }
              w.lines.add(EOF);
            });
    return w;
  }

  private record Watch(int status, InputStream body, BlockingQueue<String> lines) {
    Watch(int status, InputStream body) {
      this(status, body, new LinkedBlockingQueue<>());
    }

    String next() throws InterruptedException {
      String line = lines.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("a watch line within 60 s").isNotNull();
      return line;
    }
  }
}
