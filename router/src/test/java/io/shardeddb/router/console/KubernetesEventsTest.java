package io.shardeddb.router.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micronaut.context.ApplicationContext;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.console.ConsoleStatus.EventView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's Kubernetes Events: the resource's own, newest first; and, where the router's Role
 * does not allow reading them (a cluster), none with a note that says so and where to look.
 */
@EnableKubernetesMockClient(https = false)
class KubernetesEventsTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  static Event event(String name, String kind, String object, String time, String reason) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind(kind)
        .withName(object)
        .endInvolvedObject()
        .withType("Normal")
        .withReason(reason)
        .withMessage(reason + " happened")
        .withLastTimestamp(time)
        .build();
  }

  static RouterSettings settings() {
    try (ApplicationContext ctx =
        ApplicationContext.run(
            Map.of(
                "shardeddb.router.database", "students",
                "shardeddb.router.namespace", "test",
                "shardeddb.router.auth.enabled", false))) {
      return ctx.getBean(RouterSettings.class);
    }
  }

  @Test
  void onlyTheResourcesOwnEventsNewestFirst() {
    List<EventView> views =
        KubernetesEvents.of(
            List.of(
                event("a", "ShardedDatabase", "students", "2026-11-23T10:00:01Z", "ShardBroughtUp"),
                event("b", "Pod", "students", "2026-11-23T10:00:02Z", "Killing"),
                event("c", "ShardedDatabase", "orders", "2026-11-23T10:00:03Z", "ShardBroughtUp"),
                event(
                    "d",
                    "ShardedDatabase",
                    "students",
                    "2026-11-23T10:00:04Z",
                    "FailoverCompleted")),
            "students");
    assertThat(views)
        .extracting(EventView::reason)
        .containsExactly("FailoverCompleted", "ShardBroughtUp");
    assertThat(views).allSatisfy(v -> assertThat(v.source()).isEqualTo("kubernetes"));
  }

  @Test
  void eventsTheRouterMayNotReadLeaveANoteSayingWhy() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/test/events?fieldSelector=involvedObject.name%3Dstudents")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
        .once();
    KubernetesEvents events = new KubernetesEvents(client, settings());
    events.refresh();
    assertThat(events.snapshot().events()).isEmpty();
    assertThat(events.snapshot().note())
        .contains("does not allow listing Events (403)")
        .contains("kubectl describe sdb students");
  }

  @Test
  void readableEventsComeWithoutANote() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/test/events?fieldSelector=involvedObject.name%3Dstudents")
        .andReturn(
            200,
            new EventListBuilder()
                .withItems(
                    event(
                        "a",
                        "ShardedDatabase",
                        "students",
                        "2026-11-23T10:00:01Z",
                        "ShardBroughtUp"))
                .build())
        .once();
    KubernetesEvents events = new KubernetesEvents(client, settings());
    events.refresh();
    assertThat(events.snapshot().note()).isNull();
    assertThat(events.snapshot().events())
        .extracting(EventView::reason)
        .containsExactly("ShardBroughtUp");
  }
}
