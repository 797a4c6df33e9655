package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardeddb.cli.e2e.OtlpReceiver.Received;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.lb.WriteResponse;
import java.nio.file.Path;
import java.time.Duration;
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
 * Traces in local mode, the whole path a cluster takes (docs/monitoring.md, "Traces"): the operator
 * is given a collector ({@code shardeddb.traces.otlp-endpoint}, what the chart's {@code
 * traces.otlpEndpoint} sets), puts {@code OTEL_EXPORTER_OTLP_ENDPOINT} in every router and
 * shard-server pod's environment, and the pods — real processes — export to a real OTLP/HTTP
 * receiver in this JVM. One write through the router is one trace: the router's span, the primary's
 * write span as its child, and each secondary's apply span as that one's child.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingLocalIT {
  private static final Duration LONG = Duration.ofMinutes(4);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private OtlpReceiver receiver;
  private LocalCluster cluster;

  @BeforeAll
  void startCluster(@TempDir Path dataDir) throws Exception {
    receiver = OtlpReceiver.start();
    cluster =
        LocalCluster.start(
            LocalCluster.Options.defaults(home, dataDir)
                .withOperatorProperties(
                    Map.of("shardeddb.traces.otlp-endpoint", receiver.endpoint())));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void oneWriteIsOneTraceFromTheRouterThroughThePrimaryToEachSecondary() {
    String name = cluster.apply(home.resolve("cli/src/test/resources/traces.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    LocalCluster.RouterInfo router =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);

    WriteResponse written =
        router
            .client(router.token(), "Stud_id", Duration.ofSeconds(60))
            .write(List.of(Map.of("Stud_id", 7, "Stud_name", "traced", "Stud_marks", 1)));
    assertThat(written.message()).isEqualTo("1 Data entries added");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Received> spans = receiver.spans();
              List<Received> writes =
                  spans.stream().filter(s -> s.name().equals("router write")).toList();
              assertThat(writes).as("%s", spans).hasSize(1);
              Received routerSpan = writes.get(0);
              assertThat(routerSpan.service()).isEqualTo("shardeddb-router");
              List<Received> trace =
                  spans.stream().filter(s -> s.traceId().equals(routerSpan.traceId())).toList();
              List<Received> primaries =
                  trace.stream().filter(s -> s.name().equals("shard write")).toList();
              assertThat(primaries).as("%s", trace).hasSize(1);
              Received primary = primaries.get(0);
              assertThat(primary.service()).isEqualTo("shardeddb-shard-server");
              assertThat(primary.parentSpanId()).isEqualTo(routerSpan.spanId());
              List<Received> applies =
                  trace.stream().filter(s -> s.name().equals("replicate apply")).toList();
              assertThat(applies).as("%s", trace).hasSize(2);
              assertThat(applies).allMatch(a -> a.parentSpanId().equals(primary.spanId()));
              Set<String> secondaries =
                  applies.stream()
                      .map(a -> a.attributes().get("shardeddb.replica"))
                      .collect(Collectors.toSet());
              assertThat(secondaries)
                  .hasSize(2)
                  .doesNotContain(primary.attributes().get("shardeddb.replica"))
                  .allMatch(pod -> pod.startsWith(name + "-sh1-"));
              System.out.println("TracingLocalIT trace:");
              trace.forEach(s -> System.out.println("  " + s));
            });
    assertThat(receiver.errors()).isEmpty();
  }
}
