package io.shardeddb.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.cli.resource.ResourceFileValidator;
import io.shardeddb.local.LocalBackupStore;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.local.OwnerOnlyFiles;
import io.shardeddb.protocol.InvalidRequestException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb local up -f FILE}: starts the whole system on this machine, applies the
 * resource, prints the router's URL, token and a curl example once it is ready, then runs until
 * Ctrl-C / SIGTERM and stops everything it started.
 */
@Command(name = "up", description = "Run a ShardedDatabase on this machine until Ctrl-C.")
public final class LocalUpCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--file"},
      required = true,
      description = "the ShardedDatabase YAML (e.g. examples/students.yaml)")
  Path file;

  @Option(
      names = "--info-file",
      description =
          "write {routerUrl, token, adminToken, kubeconfig, caFile, mysqlUrl, mysqlUser,"
              + " mysqlAdminUser} as JSON here")
  Path infoFile;

  @Option(
      names = "--data-dir",
      description =
          "where pods keep their data and logs (default: .local-data in the project);"
              + " emptied at start")
  Path dataDir;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      description = "how long to wait for the router to be ready (e.g. 10m; default 5m)")
  Duration timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GenericKubernetesResource resource;
    try {
      resource = new ResourceFileValidator().validate(file);
    } catch (InvalidRequestException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    }
    Path home = ProjectHome.find();
    Path data = (dataDir != null ? dataDir : home.resolve(".local-data")).toAbsolutePath();
    emptyDirectory(data);
    String name = resource.getMetadata().getName();
    out.println("starting local ShardedDB for " + name + " (data and logs in " + data + ") ...");
    out.flush();

    LocalCluster cluster = LocalCluster.start(LocalCluster.Options.defaults(home, data));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              cluster.close();
              stopped.countDown();
            },
            "local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    cluster.apply(file);

    Instant deadline = Instant.now().plus(timeout);
    Optional<LocalCluster.RouterInfo> info = cluster.routerInfo(name);
    while (info.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      info = cluster.routerInfo(name);
    }
    if (info.isEmpty()) {
      err.println(
          "error: the router of "
              + name
              + " was not ready within "
              + HumanDuration.format(timeout)
              + "; see the pod logs"
              + " in "
              + data.resolve("logs")
              + " and `kubectl-sdb status "
              + name
              + " --kubeconfig "
              + cluster.kubeconfig()
              + "`");
      err.flush();
      return 1;
    }
    LocalCluster.RouterInfo r = info.get();
    Path caFile = null;
    if (r.caPem() != null) {
      caFile = data.resolve(name + "-ca.crt");
      OwnerOnlyFiles.write(caFile, r.caPem());
    }
    if (infoFile != null) {
      Map<String, String> json = new LinkedHashMap<>();
      json.put("routerUrl", r.routerUrl());
      json.put("token", r.token());
      json.put("adminToken", r.adminToken());
      json.put("kubeconfig", r.kubeconfig());
      json.put("caFile", caFile == null ? null : caFile.toString());
      json.put("mysqlUrl", r.mysqlUrl());
      json.put("mysqlUser", ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER);
      json.put("mysqlAdminUser", ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER);
      // It holds the tokens: owner-only, whatever the umask.
      OwnerOnlyFiles.write(infoFile, new ObjectMapper().writeValueAsString(json));
    }
    String auth = r.token() == null ? "" : " -H 'Authorization: Bearer " + r.token() + "'";
    out.println();
    out.println("ShardedDB " + name + " is up.");
    out.println("  router:     " + r.routerUrl());
    out.println("  console:    " + r.routerUrl() + "/console/  (log in with the token)");
    out.println("  token:      " + (r.token() == null ? "(auth off)" : r.token()));
    out.println(
        "  mysql:      "
            + r.mysqlUrl()
            + "  (password: the token; "
            + ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER
            + " with the admin token)");
    if (r.adminToken() != null) {
      out.println("  admin:      " + r.adminToken() + "  (/init, /add, /rm)");
    }
    out.println("  kubeconfig: " + r.kubeconfig() + "  (holds the local API's token; mode 0600)");
    if (cluster.backupStore() != null) {
      out.println(
          "  backups:    "
              + cluster.backupStore().url()
              + " (S3, bucket "
              + LocalBackupStore.BUCKET
              + ", key in Secret "
              + LocalBackupStore.SECRET
              + ")");
    }
    out.println();
    out.println("Try:");
    if (caFile == null) {
      out.println("  curl -s" + auth + " " + r.routerUrl() + "/status");
    } else {
      // The certificate names the router Service, not the pod's address: resolve the name to it.
      java.net.URI u = java.net.URI.create(r.routerUrl());
      String host = name + "-router";
      out.println("  ca:         " + caFile);
      out.println(
          "  curl -s --cacert "
              + caFile
              + " --resolve "
              + host
              + ":"
              + u.getPort()
              + ":"
              + u.getHost()
              + auth
              + " https://"
              + host
              + ":"
              + u.getPort()
              + "/status");
    }
    out.println("  " + mysqlCommand(r, caFile));
    out.println("  kubectl-sdb status " + name + " --kubeconfig " + r.kubeconfig());
    out.println();
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The mysql/mariadb client's command line for the router's MySQL port: TLS verified by the
   * database's CA when the router serves TLS (the certificate names the Service, not the pod's
   * address, so the chain is checked and not the name: mariadb's default, MySQL's VERIFY_CA).
   */
  static String mysqlCommand(LocalCluster.RouterInfo r, Path caFile) {
    return "mysql -h "
        + r.mysqlHost()
        + " -P "
        + ShardedDatabaseResources.ROUTER_MYSQL_PORT
        + " -u "
        + ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER
        + (r.token() == null ? "" : " -p'" + r.token() + "'")
        + (caFile == null ? "" : " --ssl-ca=" + caFile)
        + " "
        + r.database();
  }

  private static void emptyDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder())
            .filter(p -> !p.equals(dir))
            .forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir);
  }
}
