package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.router.Http;
import io.shardeddb.router.Http.Reply;
import io.shardeddb.router.TestRouter;
import io.shardeddb.router.e2e.OtlpReceiver.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace of one write shows its three hops (docs/monitoring.md, "Traces"): a real router in front
 * of three real shard-servers holding one shard (one primary, two secondaries; real MariaDB, the
 * data stream and the replication stream as deployed), each exporting with the real OTLP exporter
 * to a real OTLP/HTTP receiver in this JVM. One write through the router gives one trace id with
 * the router's span, the primary's write span as its child, and each secondary's apply span as the
 * write span's child.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {
  static final String TOKEN = "tracing-token";
  static final String INIT =
      """
      {"N":3,
       "schema":{"columns":["Stud_id","Stud_name","Stud_marks"],"dtypes":["Number","String","Number"]},
       "shards":[{"Stud_id_low":0,"Shard_id":"sh1","Shard_size":4096}],
       "servers":{"Server0":["sh1"],"Server1":["sh1"],"Server2":["sh1"]}}
      """;

  @TempDir static Path dir;
  OtlpReceiver receiver;
  ShardServerFleet fleet;
  TestRouter router;
  Http http;

  /** The settings that turn traces on, as the OTEL_* environment would. */
  Map<String, Object> traces() {
    return Map.of(
        "otel.exporter.otlp.endpoint", receiver.endpoint(), "otel.bsp.schedule.delay", "100ms");
  }

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    fleet = ShardServerFleet.start(dir);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pool.add(fleet.startServer("traced-" + i, traces()));
    }
    Map<String, Object> settings = new java.util.LinkedHashMap<>(traces());
    settings.put("shardeddb.router.database", "students");
    settings.put("shardeddb.router.topology.source", "standalone");
    settings.put("shardeddb.router.standalone.shard-servers", pool);
    settings.put("shardeddb.router.heartbeat.interval", "200ms");
    router = TestRouter.start(TOKEN, settings);
    http = new Http(router.url(), TOKEN);
    assertThat(http.send("POST", "/init", INIT).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(http.withToken(null).get("/health/readiness").status()).isEqualTo(200));
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) {
      router.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void oneWriteIsOneTraceThroughTheRouterThePrimaryAndEachSecondary() throws Exception {
    Reply write =
        http.send(
            "POST",
            "/write",
            "{\"data\":[{\"Stud_id\":2255,\"Stud_name\":\"GHI\",\"Stud_marks\":27}]}");
    assertThat(write.status()).as(write.text()).isEqualTo(200);

    List<List<Received>> checked = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<Received> spans = receiver.spans();
              Received routerSpan = one(spans, "shardeddb-router", "router write");
              List<Received> trace =
                  spans.stream().filter(s -> s.traceId().equals(routerSpan.traceId())).toList();
              Received primary = one(trace, "shardeddb-shard-server", "shard write");
              assertThat(primary.parentSpanId()).isEqualTo(routerSpan.spanId());
              List<Received> applies =
                  trace.stream().filter(s -> s.name().equals("replicate apply")).toList();
              assertThat(applies).hasSize(2);
              assertThat(applies).allMatch(a -> a.parentSpanId().equals(primary.spanId()));
              Set<String> secondaries =
                  applies.stream()
                      .map(a -> a.attributes().get("shardeddb.replica"))
                      .collect(Collectors.toSet());
              assertThat(secondaries)
                  .hasSize(2)
                  .doesNotContain(primary.attributes().get("shardeddb.replica"))
                  .allMatch(n -> n.startsWith("traced-"));
              assertThat(applies)
                  .allMatch(
                      a ->
                          a.attributes()
                              .get("shardeddb.primary")
                              .equals(primary.attributes().get("shardeddb.replica")));
              System.out.println("TracingIT trace:");
              trace.forEach(s -> System.out.println("  " + s));
              checked.add(trace);
            });
    assertThat(receiver.errors()).isEmpty();
    // The screenshot in docs/monitoring.md is this trace, drawn by TraceWaterfall (opt-in).
    if (TraceScreenshot.requested()) {
      System.out.println("TracingIT screenshot: " + TraceScreenshot.render(checked.get(0)));
    }
  }

  private static Received one(List<Received> spans, String service, String name) {
    List<Received> found =
        spans.stream().filter(s -> s.service().equals(service) && s.name().equals(name)).toList();
    assertThat(found).as(service + " " + name + " in " + spans).hasSize(1);
    return found.get(0);
  }
}
