package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.cli.report.BundleWriter;
import io.shardeddb.cli.report.SupportBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb report DB}: a support bundle (docs/cli.md#report): the ShardedDatabase as
 * YAML, its events, every pod of the database with its status and logs (every container, the
 * previous instance's too after a restart), the operator's pods' logs when found, and the status as
 * a table and as JSON. What cannot be read (forbidden, gone) is listed in the bundle's README.txt
 * and on stderr; the bundle is still written. Secrets are never read.
 */
@Command(
    name = "report",
    description =
        "Write a support bundle of a ShardedDatabase: resource, events, pods, logs, status.")
public final class ReportCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
  String name;

  @Mixin KubeconfigOption cluster;

  @Option(
      names = "--output",
      paramLabel = "PATH",
      description =
          "a .tar.gz (or .tgz) file, or a new directory (default: report-DB-<UTC time>.tar.gz)")
  Path output;

  @Option(
      names = "--since",
      defaultValue = "1h",
      description = "logs of this last period (default 1h; e.g. 10m, 2h, 1d)")
  Duration since;

  @Option(
      names = "--limit-bytes",
      defaultValue = "10485760",
      description = "at most this many bytes of log per container (default 10 MiB)")
  int limitBytes;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant now = Instant.now();
    try (KubernetesClient client = cluster.client()) {
      String ns = client.getNamespace();
      ShardedDatabase db =
          client.resources(ShardedDatabase.class).inNamespace(ns).withName(name).get();
      if (db == null) {
        err.println("error: ShardedDatabase '" + name + "' not found in " + ns);
        err.flush();
        return 1;
      }
      SupportBundle bundle =
          new SupportBundle(
              "kubectl-sdb report of ShardedDatabase "
                  + ns
                  + "/"
                  + name
                  + "\nserver: "
                  + cluster.server()
                  + "\ntaken: "
                  + now
                  + "\nlogs since: "
                  + HumanDuration.format(since)
                  + " before, at most "
                  + limitBytes
                  + " bytes per container");
      collect(client, ns, db, bundle);
      Path target =
          output != null ? output : Path.of("report-" + name + "-" + STAMP.format(now) + ".tar.gz");
      try {
        BundleWriter.write(bundle.files(), target, "report-" + name);
      } catch (IOException e) {
        err.println("error: cannot write " + target + ": " + ClusterErrors.cause(e));
        err.flush();
        return 1;
      }
      for (String p : bundle.problems()) {
        err.println("warning: not collected: " + p);
      }
      out.println("wrote " + target.toAbsolutePath());
      return 0;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private void collect(KubernetesClient client, String ns, ShardedDatabase db, SupportBundle b) {
    b.add(
        "shardeddatabase.yaml",
        SupportBundle.yaml(db),
        "the ShardedDatabase (kubectl get -o yaml)");
    StringWriter table = new StringWriter();
    PrintWriter tableOut = new PrintWriter(table);
    tableOut.print(new StatusCommand.StatusTable().render(db));
    tableOut.flush();
    b.add("status.txt", table.toString(), "kubectl sdb status");
    StringWriter json = new StringWriter();
    PrintWriter jsonOut = new PrintWriter(json);
    DataOptions.printStructured(jsonOut, DataOptions.Output.json, db);
    jsonOut.flush();
    b.add("status.json", json.toString(), "kubectl sdb status -o json");

    List<Pod> pods = List.of();
    try {
      pods =
          client
              .pods()
              .inNamespace(ns)
              .withLabelSelector(PodLogs.databaseSelector(name))
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      b.problem("the database's pods: " + ClusterErrors.describe(e, cluster.server()));
    }
    Set<String> podNames =
        pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    try {
      List<Event> events =
          SupportBundle.eventsOf(
              client.v1().events().inNamespace(ns).list().getItems(), name, podNames);
      b.add(
          "events.txt", SupportBundle.eventsTable(events), events.size() + " events, oldest first");
      b.add(
          "events.yaml",
          io.fabric8.kubernetes.client.utils.Serialization.asYaml(events),
          "the same events as YAML");
    } catch (KubernetesClientException e) {
      b.problem("events: " + ClusterErrors.describe(e, cluster.server()));
    }
    for (Pod pod : pods) {
      podFiles(client, ns, pod, "pods/", b);
    }

    List<Pod> operators = List.of();
    try {
      operators =
          client
              .pods()
              .inAnyNamespace()
              .withLabelSelector(PodLogs.OPERATOR_SELECTOR)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      // Listing pods in every namespace may be forbidden: the operator may share the database's.
      try {
        operators =
            client
                .pods()
                .inNamespace(ns)
                .withLabelSelector(PodLogs.OPERATOR_SELECTOR)
                .list()
                .getItems();
      } catch (KubernetesClientException again) {
        b.problem("the operator's pods: " + ClusterErrors.describe(e, cluster.server()));
      }
    }
    if (operators.isEmpty()) {
      b.problem("the operator's pods: none labelled " + PodLogs.OPERATOR_SELECTOR + " found");
    }
    for (Pod pod : operators) {
      podFiles(client, pod.getMetadata().getNamespace(), pod, "operator/", b);
    }
  }

  /** The pod's YAML and each container's logs (the previous instance's too after a restart). */
  private void podFiles(KubernetesClient client, String ns, Pod pod, String dir, SupportBundle b) {
    String pn = pod.getMetadata().getName();
    String base = dir + SupportBundle.safe(pn) + "/";
    b.add(base + "pod.yaml", SupportBundle.podYaml(pod), "the pod with its status");
    for (String c : PodLogs.containers(pod)) {
      logFile(client, ns, pn, c, false, base + SupportBundle.safe(c) + ".log", b);
      if (PodLogs.restarted(pod, c)) {
        logFile(client, ns, pn, c, true, base + SupportBundle.safe(c) + ".previous.log", b);
      }
    }
  }

  private void logFile(
      KubernetesClient client,
      String ns,
      String pod,
      String container,
      boolean previous,
      String path,
      SupportBundle b) {
    try {
      String log = PodLogs.read(client, ns, pod, container, since, limitBytes, previous);
      b.add(path, log == null ? "" : log, (previous ? "previous " : "") + "log of " + container);
    } catch (KubernetesClientException e) {
      b.problem(
          (previous ? "previous " : "")
              + "log of "
              + pod
              + "/"
              + container
              + ": "
              + ClusterErrors.describe(e, cluster.server()));
    }
  }
}
