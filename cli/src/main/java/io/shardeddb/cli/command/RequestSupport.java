package io.shardeddb.cli.command;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How {@code promote} and {@code rebuild} talk to the operator: write the request as an annotation
 * on the ShardedDatabase, then wait (bounded) until the operator records a finished outcome for it
 * in {@code status.requests}. The exit codes are the commands' contract with scripts.
 */
final class RequestSupport {
  /** Done: the operator reports the request succeeded. */
  static final int DONE = 0;

  /** The Kubernetes API could not be reached or answered an error. */
  static final int FAILED = 1;

  /** The database, shard or pod does not exist. */
  static final int NOT_FOUND = 3;

  /** The operator refused the request or gave it up; the message says why. */
  static final int REFUSED = 4;

  /** No outcome within {@code --timeout}; the request was withdrawn. */
  static final int TIMED_OUT = 5;

  /** How often the resource is read while waiting. */
  private static final Duration POLL = Duration.ofMillis(500);

  private RequestSupport() {}

  /** A command's result: its exit code and the one line it prints on failure. */
  record Failure(int code, String message) {}

  /** What a request command does with a client: {@code null} when done, else its failure. */
  @FunctionalInterface
  interface Action {
    Failure run(KubernetesClient client, PrintWriter out) throws InterruptedException;
  }

  /** What a request command does with one database's resource and its object as read. */
  @FunctionalInterface
  interface DatabaseAction {
    Failure run(
        KubernetesClient client,
        Resource<ShardedDatabase> resource,
        ShardedDatabase db,
        PrintWriter out)
        throws InterruptedException;
  }

  /**
   * {@link #call} for a command about the ShardedDatabase {@code database}: reads it first and
   * fails with {@link #noDatabase} when it does not exist.
   */
  static int callOn(
      CommandSpec spec, KubeconfigOption cluster, String database, DatabaseAction action) {
    return call(
        spec,
        cluster,
        (client, out) -> {
          Resource<ShardedDatabase> resource = resource(client, database);
          ShardedDatabase db = resource.get();
          return db == null ? noDatabase(client, database) : action.run(client, resource, db, out);
        });
  }

  /**
   * {@code null} when the spec of {@code db} declares {@code shard}, else the failure naming the
   * shards it has.
   */
  static Failure unknownShard(ShardedDatabase db, String database, String shard) {
    java.util.List<String> ids =
        io.shardeddb.api.ShardedDatabaseResources.spec(db).shardsOrEmpty().stream()
            .map(io.shardeddb.api.v1alpha1.ShardSpec::id)
            .toList();
    if (ids.contains(shard)) {
      return null;
    }
    return new Failure(
        NOT_FOUND,
        "no shard '"
            + shard
            + "' in ShardedDatabase "
            + database
            + " (shards: "
            + String.join(", ", ids)
            + ")");
  }

  /**
   * Runs {@code action} with a client of {@code cluster} and turns its failure, an unreachable API
   * or an interrupt into an {@code error: ..} line and the exit code.
   */
  static int call(CommandSpec spec, KubeconfigOption cluster, Action action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = cluster.client()) {
      Failure failure = action.run(client, out);
      if (failure != null) {
        err.println("error: " + failure.message());
        return failure.code();
      }
      return DONE;
    } catch (KubernetesClientException e) {
      err.println("error: " + ClusterErrors.describe(e, cluster.server()));
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Prints a usage error (before any call to the cluster) and returns its exit code, 2. */
  static int usage(CommandSpec spec, String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("error: " + message);
    err.flush();
    return 2;
  }

  /** The failure for a database {@code name} that does not exist in the client's namespace. */
  static Failure noDatabase(KubernetesClient client, String name) {
    return new Failure(
        NOT_FOUND, "ShardedDatabase '" + name + "' not found in " + client.getNamespace());
  }

  /** The failure for a finished request that did not succeed, or {@code null} when it did. */
  static Failure refusal(String verb, RequestStatus result) {
    if (result.outcome() == RequestStatus.Outcome.Succeeded) {
      return null;
    }
    return new Failure(
        REFUSED, verb + " " + result.outcome().name().toLowerCase() + ": " + result.message());
  }

  /** Prints a command's result as JSON. */
  static void printJson(PrintWriter out, Map<String, Object> json) {
    try {
      DataOptions.printJson(out, json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Resource<ShardedDatabase> resource(KubernetesClient client, String name) {
    return client
        .resources(ShardedDatabase.class)
        .inNamespace(client.getNamespace())
        .withName(name);
  }

  /** The request annotation set to {@code value} (a JSON merge patch: other annotations stay). */
  static void request(Resource<ShardedDatabase> db, String annotation, String value) {
    db.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        Serialization.asJson(Map.of("metadata", Map.of("annotations", Map.of(annotation, value)))));
  }

  /** Removes the request annotation if it still holds {@code value}; quiet when it does not. */
  static void withdraw(Resource<ShardedDatabase> db, String annotation, String value) {
    String path = "/metadata/annotations/" + annotation.replace("~", "~0").replace("/", "~1");
    try {
      db.patch(
          PatchContext.of(PatchType.JSON),
          Serialization.asJson(
              List.of(
                  Map.of("op", "test", "path", path, "value", value),
                  Map.of("op", "remove", "path", path))));
    } catch (KubernetesClientException e) {
      // Already taken up (removed by the operator) or replaced by another request.
    }
  }

  /** The last outcome the status records for this type of request, if any. */
  static Optional<RequestStatus> lastOutcome(ShardedDatabase db, RequestStatus.Type type) {
    return db == null || db.getStatus() == null ? Optional.empty() : db.getStatus().request(type);
  }

  /**
   * Waits until the status records a finished outcome of {@code type} for {@code value} other than
   * {@code before} (the one recorded when the request was written), and {@code done} holds for the
   * resource then; empty on timeout. Bounded by {@code timeout}.
   */
  static Optional<Map.Entry<RequestStatus, ShardedDatabase>> await(
      Resource<ShardedDatabase> db,
      RequestStatus.Type type,
      String value,
      RequestStatus before,
      Duration timeout,
      Predicate<ShardedDatabase> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      ShardedDatabase now = db.get();
      Optional<RequestStatus> outcome =
          lastOutcome(now, type)
              .filter(r -> !r.equals(before))
              .filter(r -> value.equals(r.request().trim()))
              .filter(RequestStatus::finished);
      if (outcome.isPresent()
          && (outcome.get().outcome() != RequestStatus.Outcome.Succeeded || done.test(now))) {
        return Optional.of(Map.entry(outcome.get(), now));
      }
      if (!Instant.now().isBefore(deadline)) {
        return Optional.empty();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The annotation carrying requests of {@code type}. */
  static String annotation(RequestStatus.Type type) {
    return type.annotation();
  }

  /** The shard of {@code db} whose status lists {@code pod} as a replica. */
  static java.util.Optional<io.shardeddb.api.v1alpha1.ShardStatus> shardOf(
      ShardedDatabase db, String pod) {
    return shards(db).stream().filter(s -> s.replica(pod).isPresent()).findFirst();
  }

  /** The failure for a pod that is no replica of {@code db}, listing the replicas it has. */
  static Failure notAReplica(ShardedDatabase db, String database, String pod) {
    return new Failure(
        NOT_FOUND,
        "pod '"
            + pod
            + "' is not a replica of ShardedDatabase "
            + database
            + " (replicas: "
            + String.join(
                ", ",
                shards(db).stream()
                    .flatMap(
                        s ->
                            s.replicasOrEmpty().stream()
                                .map(io.shardeddb.api.v1alpha1.ReplicaStatus::pod))
                    .toList())
            + ")");
  }

  private static java.util.List<io.shardeddb.api.v1alpha1.ShardStatus> shards(ShardedDatabase db) {
    return db.getStatus() == null ? java.util.List.of() : db.getStatus().shardsOrEmpty();
  }
}
