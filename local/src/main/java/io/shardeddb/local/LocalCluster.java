package io.shardeddb.local;

import static io.shardeddb.api.ShardedDatabaseResources.ROUTER_PORT;
import static io.shardeddb.api.ShardedDatabaseResources.routerName;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.PodReadiness;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.OperatorSettings;
import io.shardeddb.operator.ShardedDbOperator;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.shardserver.storage.EmbeddedMariaDb;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine: an in-process Kubernetes API with the CRD, the real operator
 * against it, one embedded MariaDB shared by every shard-server pod (a database per pod, so a pod's
 * "volume" survives its process restarting), and the local pod runner that turns the operator's
 * StatefulSets and Deployments into processes on loopback addresses.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  /**
   * Where and how to run. {@code apiPort} 0 picks a free port; {@code operatorProperties} are the
   * in-process operator's settings by property name (e.g. {@code shardeddb.tls.ca-overlap}).
   */
  public record Options(
      Path projectHome,
      Path dataDir,
      String namespace,
      int apiPort,
      List<String> jvmOptions,
      Map<String, String> operatorProperties) {

    public Options {
      operatorProperties = operatorProperties == null ? Map.of() : Map.copyOf(operatorProperties);
    }

    /** With the operator's default settings. */
    public Options(
        Path projectHome, Path dataDir, String namespace, int apiPort, List<String> jvmOptions) {
      this(projectHome, dataDir, namespace, apiPort, jvmOptions, Map.of());
    }

    /** Defaults for this machine: namespace {@code default}, small fast-starting pod JVMs. */
    public static Options defaults(Path projectHome, Path dataDir) {
      return new Options(projectHome, dataDir, "default", 0, PodLauncher.SMALL_JVM);
    }

    /** These options with the operator's {@code properties}. */
    public Options withOperatorProperties(Map<String, String> properties) {
      return new Options(projectHome, dataDir, namespace, apiPort, jvmOptions, properties);
    }
  }

  /** What a user needs to reach the router. */
  public record RouterInfo(
      String routerUrl,
      String token,
      String kubeconfig,
      String adminToken,
      String caPem,
      String database) {

    /** The router's MySQL protocol address: the pod's, on the MySQL port. */
    public String mysqlHost() {
      return java.net.URI.create(routerUrl).getHost();
    }

    /** {@code mysql://<data user>@<host>:<port>/<database>} (the password is the data token). */
    public String mysqlUrl() {
      return "mysql://"
          + ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER
          + "@"
          + mysqlHost()
          + ":"
          + ShardedDatabaseResources.ROUTER_MYSQL_PORT
          + "/"
          + database;
    }

    /** How to verify the router (its database's CA), or null when it serves plain HTTP. */
    public SSLContext tls() {
      return caPem == null ? null : Tls.routerClientContext(caPem);
    }

    /** A client of this router with {@code token} (null: none), verified by the database's CA. */
    public RouterClient client(String token, String shardKey, Duration timeout) {
      return new RouterClient(routerUrl, token, shardKey, timeout, tls());
    }
  }

  private final Options options;
  private final LocalKubernetes kube;
  private final EmbeddedMariaDb mariadb;
  private final AddressBlock block;
  private final PodMariaDbs ownServers;
  private final LocalPodRunner runner;
  private ShardedDbOperator operator;

  /** The embedded S3 server backups go to (docs/backup.md). */
  private LocalBackupStore backups;

  /** Set by the first {@link #close}: a shutdown hook and the caller may both close. */
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Stops the pods when the JVM is asked to end (SIGTERM, Ctrl-C) without reaching {@link #close}:
   * the pod processes are not the JVM's children in any way the OS would end with it (a bench
   * stopped by SIGTERM left 13 shard-server and router JVMs running).
   */
  private final Thread shutdownHook = new Thread(this::close, "local-cluster-shutdown");

  private LocalCluster(
      Options options, LocalKubernetes kube, EmbeddedMariaDb mariadb, AddressBlock block) {
    this.options = options;
    this.kube = kube;
    this.mariadb = mariadb;
    this.block = block;
    LoopbackFirewall firewall = new LoopbackFirewall(block.slot());
    // Rules of clusters that crashed (and of an earlier run on this slot) go before we start.
    firewall.removeStaleRules();
    CgroupCpuLimits cpuLimits = new CgroupCpuLimits(CgroupCpuLimits.DEFAULT_ROOT, block.slot());
    cpuLimits.removeStaleGroups();
    Path javaHome = Path.of(System.getProperty("java.home"));
    // The shared server unpacked the binaries next to its data ("mariadb.base").
    this.ownServers =
        new PodMariaDbs(
            options.dataDir().resolve("mariadb-pods"), options.dataDir().resolve("mariadb.base"));
    this.runner =
        new LocalPodRunner(
            kube.client(),
            options.namespace(),
            new PodLauncher(options.projectHome(), javaHome, options.jvmOptions()),
            new PodEnvironment(kube.client()),
            new SharedMariaDbHooks(mariadb, ownServers, kube),
            options.dataDir().resolve("logs"),
            block,
            firewall,
            cpuLimits);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the API, the database, the pod runner and the operator. */
  public static LocalCluster start(Options options) {
    Path crd = options.projectHome().resolve("crds/shardeddatabases.shardeddb.io-v1.yml");
    if (!Files.isRegularFile(crd)) {
      throw new IllegalStateException("CRD not found at " + crd + " (is the project home right?)");
    }
    LocalKubernetes kube = null;
    EmbeddedMariaDb db = null;
    AddressBlock block = null;
    LocalBackupStore backups = null;
    try {
      block = AddressBlock.reserve();
      Files.createDirectories(options.dataDir());
      kube =
          LocalKubernetes.start(
              options.apiPort(), options.dataDir().resolve("kubeconfig"), options.namespace());
      try (InputStream in = Files.newInputStream(crd)) {
        kube.installCrd(in);
      }
      Path backupCrd = crd.resolveSibling("shardeddatabasebackups.shardeddb.io-v1.yml");
      if (Files.isRegularFile(backupCrd)) {
        try (InputStream in = Files.newInputStream(backupCrd)) {
          kube.installCrd(in);
        }
      }
      kube.registerNode(LocalPodRunner.NODE_NAME);
      db = EmbeddedMariaDb.start(options.dataDir().resolve("mariadb"), 0);
      try {
        backups =
            LocalBackupStore.start(
                options.dataDir().resolve("backups"), kube.client(), options.namespace());
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the embedded S3 server: " + e, e);
      }
      LocalCluster cluster = new LocalCluster(options, kube, db, block);
      cluster.backups = backups;
      cluster.runner.start();
      cluster.startOperator();
      LOG.info(
          "local cluster up: API {}, MariaDB {}, pods on {}0/24",
          kube.url(),
          db.jdbcUrl(),
          block.prefix());
      return cluster;
    } catch (IOException | RuntimeException e) {
      if (backups != null) {
        try {
          backups.close();
        } catch (Exception stop) {
          e.addSuppressed(stop);
        }
      }
      if (db != null) {
        db.close();
      }
      if (kube != null) {
        kube.close();
      }
      if (block != null) {
        block.close();
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** Starts (or restarts) the in-process operator. */
  public synchronized void startOperator() {
    if (operator != null) {
      throw new IllegalStateException("operator already running");
    }
    operator =
        new ShardedDbOperator(
            kube.client(),
            OperatorSettings.inProcess(
                options.operatorProperties(),
                io.shardeddb.operator.shardclient.HttpShardServerClient.withDefaultTimeouts()));
    operator.start();
  }

  /** Stops the in-process operator (the pods keep running, as they would in a cluster). */
  public synchronized void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /**
   * Kills the MariaDB server of shard-server pod {@code pod} with SIGKILL while the pod's
   * shard-server keeps running (a real pod's mysql container crashing and restarting), leaves it
   * down for {@code down}, and starts it again (InnoDB's crash recovery runs). Returns when it
   * accepts connections again. Only a pod of a database annotated {@code local.shardeddb.io/mysql:
   * per-pod} has a server of its own; any other is refused, as killing the shared server would hit
   * every pod.
   */
  public void restartMysql(String pod, Duration down) throws InterruptedException {
    ownServers.restart(pod, down);
  }

  /** Creates the resource described by a YAML file; returns its name. */
  public String apply(Path yaml) {
    try (InputStream in = Files.newInputStream(yaml)) {
      GenericKubernetesResource r = Serialization.unmarshal(in, GenericKubernetesResource.class);
      r.getMetadata().setNamespace(options.namespace());
      if (backups != null) {
        backups.fillIn(r);
      }
      kube.client().resource(r).inNamespace(options.namespace()).create();
      return r.getMetadata().getName();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + yaml, e);
    }
  }

  /** The router's URL and token once a router pod of {@code database} is ready, else empty. */
  public Optional<RouterInfo> routerInfo(String database) {
    KubernetesClient c = kube.client();
    Optional<Pod> ready =
        c
            .pods()
            .inNamespace(options.namespace())
            .withLabel("app.kubernetes.io/instance", database)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getName().startsWith(routerName(database) + "-"))
            .filter(PodReadiness::isReady)
            .findFirst();
    if (ready.isEmpty()) {
      return Optional.empty();
    }
    boolean auth = authEnabled(database);
    String token = auth ? routerToken(database, "token").orElse(null) : null;
    String adminToken = routerToken(database, "admin-token").orElse(null);
    Optional<String> ca = routerCa(database);
    String url =
        (ca.isPresent() ? "https://" : "http://")
            + ready.get().getStatus().getPodIP()
            + ":"
            + ROUTER_PORT;
    return Optional.of(
        new RouterInfo(
            url, token, kube.kubeconfig().toString(), adminToken, ca.orElse(null), database));
  }

  /**
   * How to verify {@code database}'s routers: their CA (key {@code ca.crt} of {@code <db>-tls}),
   * when the router serves its clients TLS; empty when it serves plain HTTP.
   */
  public Optional<String> routerCa(String database) {
    ShardedDatabase db =
        kube.client()
            .resources(ShardedDatabase.class)
            .inNamespace(options.namespace())
            .withName(database)
            .get();
    if (db == null || !ShardedDatabaseResources.routerServesTls(db)) {
      return Optional.empty();
    }
    Secret s =
        kube.client()
            .secrets()
            .inNamespace(options.namespace())
            .withName(ShardedDatabaseResources.tlsSecretName(database))
            .get();
    if (s == null || s.getData() == null || s.getData().get(PemMaterial.CA_FILE) == null) {
      return Optional.empty();
    }
    return Optional.of(
        new String(
            Base64.getDecoder().decode(s.getData().get(PemMaterial.CA_FILE)),
            StandardCharsets.UTF_8));
  }

  /** Whether the database's router requires a bearer token ({@code spec.router.auth.enabled}). */
  private boolean authEnabled(String database) {
    ShardedDatabase db =
        kube.client()
            .resources(ShardedDatabase.class)
            .inNamespace(options.namespace())
            .withName(database)
            .get();
    return db == null || ShardedDatabaseResources.spec(db).routerOrDefault().authEnabled();
  }

  /**
   * The shard credential of {@code database} (key {@code token} of {@code <db>-shard-auth}), for
   * tools and tests that call shard-servers directly; empty before the operator created it.
   */
  public Optional<String> shardCredential(String database) {
    Secret s =
        kube.client()
            .secrets()
            .inNamespace(options.namespace())
            .withName(ShardedDatabaseResources.shardAuthSecretName(database))
            .get();
    if (s == null || s.getData() == null || s.getData().get("token") == null) {
      return Optional.empty();
    }
    return Optional.of(
        new String(Base64.getDecoder().decode(s.getData().get("token")), StandardCharsets.UTF_8)
            .trim());
  }

  /** A key of the router token Secret: {@code token} (data) or {@code admin-token}. */
  private Optional<String> routerToken(String database, String key) {
    Secret s =
        kube.client()
            .secrets()
            .inNamespace(options.namespace())
            .withName(database + "-router-token")
            .get();
    if (s == null || s.getData() == null || s.getData().get(key) == null) {
      return Optional.empty();
    }
    return Optional.of(
        new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8));
  }

  /** The Kubernetes client of the in-process API. */
  public KubernetesClient client() {
    return kube.client();
  }

  /** The namespace local mode runs in. */
  public String namespace() {
    return options.namespace();
  }

  /** The embedded backup store (S3 protocol), or null before it started. */
  public LocalBackupStore backupStore() {
    return backups;
  }

  /** The pod runner (pids, addresses). */
  public LocalPodRunner pods() {
    return runner;
  }

  /** The loopback /24 this cluster's pods live in. */
  public AddressBlock addressBlock() {
    return block;
  }

  /** The embedded MariaDB every shard-server pod stores into (benchmarks compare against it). */
  public EmbeddedMariaDb database() {
    return mariadb;
  }

  /** The kubeconfig written for the in-process API. */
  public Path kubeconfig() {
    return kube.kubeconfig();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is ending; the hook runs close() again and returns at once.
      }
    }
    stopOperator();
    runner.close();
    if (backups != null) {
      try {
        backups.close();
      } catch (Exception e) {
        LOG.warn("stopping the embedded S3 server: {}", e.toString());
      }
    }
    ownServers.close();
    mariadb.close();
    kube.close();
    block.close();
  }
}
