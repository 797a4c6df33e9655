package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.reconciler.Hibernation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb hibernate DB} and {@code resume DB}, as {@code kubectl cnpg hibernate on|off}:
 * the annotation {@code shardeddb.io/hibernation: on} has the operator scale every shard
 * StatefulSet and the router Deployment to zero keeping the volumes ({@link Hibernation}); removing
 * it brings the pods back on their volumes, with all their data.
 */
public final class HibernateCommand {
  private HibernateCommand() {}

  abstract static class Base {
    @Parameters(index = "0", paramLabel = "DB", description = "the ShardedDatabase's name")
    String database;

    @Mixin KubeconfigOption cluster;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table (default), json or yaml")
    DataOptions.Output output;

    @Spec CommandSpec spec;

    /** The database's pods (shards and router) still in the API. */
    int podsLeft(KubernetesClient client) {
      return client
          .pods()
          .inNamespace(client.getNamespace())
          .withLabel(Labels.NAME, Labels.APP)
          .withLabel(Labels.INSTANCE, database)
          .list()
          .getItems()
          .size();
    }

    void print(PrintWriter out, ShardedDatabase db, int pods, String what) {
      if (output != DataOptions.Output.table) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("database", database);
        json.put("hibernated", HoldSupport.condition(db, "Hibernated", true));
        json.put("pods", pods);
        json.put("ready", HoldSupport.condition(db, "Ready", true));
        json.put("message", what);
        DataOptions.printStructured(out, output, json);
        return;
      }
      out.println(what);
    }
  }

  /** {@code kubectl-sdb hibernate}. */
  @Command(
      name = "hibernate",
      description = {
        "Hibernate DB: every shard StatefulSet and the router scaled to zero pods, volumes kept.",
        "Nothing serves until resume (writes fail: no router). Exit codes: 0 hibernated, 1 API"
            + " error, 2 usage, 3 unknown database, 5 timed out."
      })
  public static final class Hibernate extends Base implements Callable<Integer> {
    @Option(
        names = "--timeout",
        defaultValue = "5m",
        description = "how long to wait for every pod to be gone (default 5m)")
    Duration timeout;

    @Override
    public Integer call() {
      return RequestSupport.callOn(spec, cluster, database, this::run);
    }

    private RequestSupport.Failure run(
        KubernetesClient client,
        Resource<ShardedDatabase> resource,
        ShardedDatabase db,
        PrintWriter out)
        throws InterruptedException {
      HoldSupport.annotate(resource, Hibernation.ANNOTATION, "on");
      Optional<ShardedDatabase> done =
          HoldSupport.await(
              resource,
              timeout,
              d -> HoldSupport.condition(d, "Hibernated", true) && podsLeft(client) == 0);
      if (done.isEmpty()) {
        return new RequestSupport.Failure(
            RequestSupport.TIMED_OUT,
            "timed out after "
                + HumanDuration.format(timeout)
                + " waiting for the pods of "
                + database
                + " to be gone ("
                + podsLeft(client)
                + " left; the annotation stays, kubectl sdb status "
                + database
                + " shows its progress)");
      }
      print(
          out,
          done.get(),
          0,
          database
              + " hibernated: every shard and the router at zero pods, volumes kept"
              + " (kubectl sdb resume "
              + database
              + ")");
      return null;
    }
  }

  /** {@code kubectl-sdb resume}. */
  @Command(
      name = "resume",
      description = {
        "Resume a hibernated DB: the pods come back on their volumes; done once it is Ready.",
        "Exit codes: 0 ready, 1 API error, 2 usage, 3 unknown database, 5 timed out."
      })
  public static final class Resume extends Base implements Callable<Integer> {
    @Option(
        names = "--timeout",
        defaultValue = "10m",
        description = "how long to wait for the database to be Ready again (default 10m)")
    Duration timeout;

    @Override
    public Integer call() {
      return RequestSupport.callOn(spec, cluster, database, this::run);
    }

    private RequestSupport.Failure run(
        KubernetesClient client,
        Resource<ShardedDatabase> resource,
        ShardedDatabase db,
        PrintWriter out)
        throws InterruptedException {
      HoldSupport.annotate(resource, Hibernation.ANNOTATION, null);
      Optional<ShardedDatabase> done =
          HoldSupport.await(
              resource,
              timeout,
              d ->
                  HoldSupport.condition(d, "Hibernated", false)
                      && HoldSupport.condition(d, "Ready", true));
      if (done.isEmpty()) {
        return new RequestSupport.Failure(
            RequestSupport.TIMED_OUT,
            "timed out after "
                + HumanDuration.format(timeout)
                + " waiting for "
                + database
                + " to be Ready again (resumed; kubectl sdb status "
                + database
                + " shows its progress)");
      }
      print(out, done.get(), podsLeft(client), database + " resumed: Ready");
      return null;
    }
  }
}
