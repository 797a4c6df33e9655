package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;

/**
 * The in-process Kubernetes API of local mode: fabric8's mock server in CRUD mode on 127.0.0.1,
 * with the ShardedDatabase CRD installed and a kubeconfig written for other processes (the router
 * pods, {@code kubectl-sdb status}, plain {@code kubectl}: {@link DiscoveryDispatcher} serves the
 * discovery documents and Tables kubectl needs in front of the CRUD store, {@link LocalApiServer}
 * its plain HTTP watches). The API answers only requests with this cluster's random token: the
 * kubeconfig (owner-only) carries it for every other process, and {@link #client()} for the
 * in-process operator, pod runner and CLI.
 */
public final class LocalKubernetes implements AutoCloseable {
  /**
   * The mock server logs every request at INFO through java.util.logging; a local cluster makes
   * several per second. Held here so the level setting is not garbage-collected with the logger.
   */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final LocalApiServer http;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final String url;
  private final LocalDiscovery discovery;

  private final LocalApiToken token;
  private final LocalApiTls tls;

  private LocalKubernetes(
      KubernetesMockServer server,
      LocalApiServer http,
      LocalApiToken token,
      LocalApiTls tls,
      Path kubeconfig,
      LocalDiscovery discovery) {
    this.server = server;
    this.token = token;
    this.tls = tls;
    this.http = http;
    this.discovery = discovery;
    this.client = server.createClient();
    this.kubeconfig = kubeconfig;
    this.url = "https://127.0.0.1:" + server.getPort();
  }

  /**
   * Starts the API on 127.0.0.1 ({@code port} 0 picks a free one) behind a new random token, and
   * writes {@code kubeconfig} (mode 0600) with that token.
   */
  public static LocalKubernetes start(int port, Path kubeconfig, String namespace) {
    LocalApiToken token = LocalApiToken.random();
    LocalApiTls tls = LocalApiTls.create();
    LocalDiscovery discovery = new LocalDiscovery();
    int[] boundPort = {port};
    DiscoveryDispatcher dispatcher =
        new DiscoveryDispatcher(
            new KubernetesCrudDispatcher(), discovery, () -> "127.0.0.1:" + boundPort[0]);
    LocalApiServer http = new LocalApiServer(token, tls, dispatcher);
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), http, new HashMap<>(), dispatcher, true) {
          /** The mock's client config, with the token the API asks for and its CA. */
          @Override
          protected Config initConfig() {
            Config config = super.initConfig();
            config.setOauthToken(token.value());
            config.setTrustCerts(false);
            config.setCaCertData(base64(tls.caPem()));
            return config;
          }
        };
    try {
      server.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the local Kubernetes API: " + e.getMessage(), e);
    }
    boundPort[0] = server.getPort();
    LocalKubernetes k = new LocalKubernetes(server, http, token, tls, kubeconfig, discovery);
    k.writeKubeconfig(namespace);
    return k;
  }

  /** Installs a CRD read from YAML. */
  public void installCrd(InputStream crdYaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(crdYaml, CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    discovery.add(crd);
  }

  /**
   * Registers the one node every local pod runs on, Ready, so node-aware logic (the operator's pod
   * replacement) sees a healthy node rather than a vanished one.
   */
  public void registerNode(String name) {
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("kubernetes.io/hostname", name)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withLastTransitionTime(Instant.now().toString())
            .endCondition()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress("127.0.0.1")
            .endAddress()
            .endStatus()
            .build();
    client.nodes().resource(node).create();
  }

  /** A client for this API, with its token (shared; do not close it). */
  public KubernetesClient client() {
    return client;
  }

  /** The API's URL. */
  public String url() {
    return url;
  }

  /**
   * How many plain HTTP watches are open (each ends when its client goes away); for tests and
   * diagnostics.
   */
  public int openHttpWatches() {
    return http.openWatches();
  }

  /** The kubeconfig file that points at this API and holds its token (mode 0600). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  private void writeKubeconfig(String namespace) {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shardeddb-local
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: shardeddb-local
          user:
            token: %s
        contexts:
        - name: shardeddb-local
          context:
            cluster: shardeddb-local
            user: shardeddb-local
            namespace: %s
        current-context: shardeddb-local
        """
            .formatted(url, base64(tls.caPem()), token.value(), namespace);
    try {
      OwnerOnlyFiles.write(kubeconfig, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + kubeconfig, e);
    }
  }

  /**
   * The CA that signed the API's certificate, as PEM (what a client outside the kubeconfig trusts).
   */
  public String caPem() {
    return tls.caPem();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
