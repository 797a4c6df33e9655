package io.shardeddb.cli.command;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What {@code fence}, {@code unfence}, {@code hibernate} and {@code resume} share: the state they
 * set is an annotation the operator keeps applying ({@code shardeddb.io/fenced-pods}, {@code
 * shardeddb.io/hibernation}), not a one-shot request, so each sets or removes it and waits
 * (bounded) until the status shows it applied.
 */
final class HoldSupport {
  private static final Duration POLL = Duration.ofMillis(500);

  private HoldSupport() {}

  /** Sets {@code annotation} to {@code value}, or removes it when {@code value} is null. */
  static void annotate(Resource<ShardedDatabase> db, String annotation, String value) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(annotation, value);
    db.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        Serialization.asJson(Map.of("metadata", Map.of("annotations", annotations))));
  }

  /** The annotation's value on {@code db}, or null. */
  static String annotation(ShardedDatabase db, String annotation) {
    Map<String, String> a = db.getMetadata().getAnnotations();
    return a == null ? null : a.get(annotation);
  }

  /** Waits until {@code done} holds for the resource; empty on timeout. */
  static Optional<ShardedDatabase> await(
      Resource<ShardedDatabase> db, Duration timeout, Predicate<ShardedDatabase> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      ShardedDatabase now = db.get();
      if (now != null && done.test(now)) {
        return Optional.of(now);
      }
      if (!Instant.now().isBefore(deadline)) {
        return Optional.empty();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Whether the status shows condition {@code type} as {@code status} for the current spec. */
  static boolean condition(ShardedDatabase db, String type, boolean status) {
    if (db.getStatus() == null) {
      return false;
    }
    Long observed = db.getStatus().observedGeneration();
    Long generation = db.getMetadata().getGeneration();
    boolean current = observed != null && (generation == null || observed >= generation);
    return current
        && db.getStatus()
            .condition(type)
            .map(Condition::getStatus)
            .map(s -> s.equals(status ? "True" : "False"))
            .orElse(false);
  }

  /** The condition's message, or "". */
  static String message(ShardedDatabase db, String type) {
    return db.getStatus() == null
        ? ""
        : db.getStatus().condition(type).map(Condition::getMessage).orElse("");
  }

  /** The shards of the status. */
  static List<ShardStatus> shards(ShardedDatabase db) {
    return db.getStatus() == null ? List.of() : db.getStatus().shardsOrEmpty();
  }

  /** The replica {@code pod} in the status, if listed. */
  static Optional<ReplicaStatus> replica(ShardedDatabase db, String pod) {
    return shards(db).stream().flatMap(s -> s.replica(pod).stream()).findFirst();
  }
}
