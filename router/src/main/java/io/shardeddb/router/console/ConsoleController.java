package io.shardeddb.router.console;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.console.ConsoleStatus.EventView;
import io.shardeddb.router.routing.ReplicaHealth;
import io.shardeddb.router.routing.ReplicaHealth.Observation;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.topology.KubernetesTopologySource;
import io.shardeddb.router.topology.TopologyHolder;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The web console's one API of its own: a read-only document of the database, its shards and
 * replicas, the writes this router counted per shard, moves and recent events (docs/console.md).
 * The console's pages are static files under {@code /console/}; the data browser uses the public
 * endpoints. Everything here is already in memory, so the call never waits on a shard-server or the
 * API server. It takes the data token, as {@code /status} does.
 */
@Controller("/console/api")
@Tag(name = "console", description = "What the web console shows")
public class ConsoleController {
  static final int EVENTS_SHOWN = 50;

  private final TopologyHolder topology;
  private final ReplicaHealth health;
  private final ClusterEvents observed;
  private final Optional<KubernetesTopologySource> kubernetes;
  private final Optional<KubernetesEvents> kubernetesEvents;
  private final RouterMetrics metrics;
  private final ConsoleView.Origin origin;

  public ConsoleController(
      TopologyHolder topology,
      ReplicaHealth health,
      ClusterEvents observed,
      Optional<KubernetesTopologySource> kubernetes,
      Optional<KubernetesEvents> kubernetesEvents,
      RouterMetrics metrics,
      RouterSettings settings) {
    this.topology = topology;
    this.health = health;
    this.observed = observed;
    this.kubernetes = kubernetes;
    this.kubernetesEvents = kubernetesEvents;
    this.metrics = metrics;
    this.origin = new ConsoleView.Origin(settings.namespace(), settings.topology().source());
  }

  @Get("/status")
  @Operation(
      summary = "The database as the console shows it",
      description =
          "Shards and replicas (role, epoch, health, LSNs, lag), the writes this router counted"
              + " per shard, conditions and resharding moves (Kubernetes mode), and recent events."
              + " Read-only; takes the data token.")
  public ConsoleStatus status() {
    List<EventView> events = new ArrayList<>(observed.recent());
    String note;
    if (kubernetesEvents.isPresent()) {
      KubernetesEvents.Snapshot k8s = kubernetesEvents.get().snapshot();
      events.addAll(k8s.events());
      note =
          k8s.note() != null
              ? k8s.note()
              : "Kubernetes Events on the ShardedDatabase, and what this router observed itself.";
    } else {
      note =
          "The topology comes from '"
              + origin.source()
              + "', not Kubernetes: there are no Kubernetes Events to show; the list holds what"
              + " this router observed itself.";
    }
    events.sort(
        Comparator.comparing(
                EventView::time, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .reversed());
    return ConsoleView.of(
        origin,
        topology.current().topology(),
        this::observation,
        shard -> metrics.shardWrites(shard).orElse(null),
        kubernetes.map(KubernetesTopologySource::latest).orElse(null),
        events.subList(0, Math.min(EVENTS_SHOWN, events.size())),
        note);
  }

  private Observation observation(String url) {
    if (!health.observed(url)) {
      return null;
    }
    return new Observation(health.reachable(url), health.heartbeat(url).orElse(null));
  }
}
