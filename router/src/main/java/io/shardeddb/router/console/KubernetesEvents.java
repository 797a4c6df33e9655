package io.shardeddb.router.console;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.console.ConsoleStatus.EventView;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Kubernetes Events on the router's ShardedDatabase (the operator records bring-up, failover,
 * re-copy and refusals there), read every few seconds off the request path so that the console's
 * status never waits on the API server. The router's Role may not allow listing Events (the
 * operator grants it only its own resource): then the snapshot is empty and its note says why.
 */
@Singleton
@Requires(property = "shardeddb.router.topology.source", value = "kubernetes")
public class KubernetesEvents {
  static final int KEPT = 50;

  /** The last read: the events, newest first, or why there are none. */
  public record Snapshot(List<EventView> events, String note) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String database;
  private final AtomicReference<Snapshot> last =
      new AtomicReference<>(new Snapshot(List.of(), "Kubernetes Events not read yet."));

  public KubernetesEvents(KubernetesClient client, RouterSettings settings) {
    this.client = client;
    this.namespace = settings.namespace();
    this.database = settings.database();
  }

  /** The last snapshot read. */
  public Snapshot snapshot() {
    return last.get();
  }

  @Scheduled(fixedDelay = "5s", initialDelay = "1s")
  void refresh() {
    try {
      List<Event> items =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.name", database)
              .list()
              .getItems();
      last.set(new Snapshot(of(items, database), null));
    } catch (KubernetesClientException e) {
      String why =
          e.getCode() == 403
              ? "the router's Role does not allow listing Events (403)"
              : "the API server answered " + e.getCode() + ": " + e.getMessage();
      last.set(
          new Snapshot(
              List.of(),
              "Kubernetes Events are not shown: "
                  + why
                  + "; `kubectl describe sdb "
                  + database
                  + "` shows them. The list holds what this router observed itself."));
    }
  }

  /** The events on ShardedDatabase {@code database}, newest first, at most {@value #KEPT}. */
  static List<EventView> of(List<Event> items, String database) {
    return items.stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && database.equals(e.getInvolvedObject().getName())
                    && "ShardedDatabase".equals(e.getInvolvedObject().getKind()))
        .map(
            e ->
                new EventView(
                    time(e),
                    "kubernetes",
                    e.getType(),
                    e.getReason(),
                    e.getMessage()
                        + (e.getCount() != null && e.getCount() > 1
                            ? " (x" + e.getCount() + ")"
                            : "")))
        .sorted(
            Comparator.comparing(
                    EventView::time, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
                .reversed())
        .limit(KEPT)
        .toList();
  }

  private static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp();
  }
}
