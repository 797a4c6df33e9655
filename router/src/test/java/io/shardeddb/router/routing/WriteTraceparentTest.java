package io.shardeddb.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.trace.TraceContext;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router names its write span in each shard write it sends (docs/monitoring.md, "Traces"): with
 * traces on, every {@code /write} a shard-server gets carries a valid W3C {@code traceparent}, one
 * trace per client write; with traces off (the default), none.
 */
class WriteTraceparentTest {
  FakeShardServer shard;
  TestRouter router;

  private Http start(Map<String, Object> settings) throws Exception {
    shard = new FakeShardServer("Stud_id", Sharding.Range, 10, List.of(new PointRange(0, 100)));
    router = TestRouter.start(null, settings);
    Http http = router.http();
    Http.Reply pushed =
        http.send(
            "PUT",
            "/admin/topology",
            """
            {"database":"students","version":1,
             "schema":{"table":"students","shardKey":"Stud_id","columns":[
               {"name":"Stud_id","type":"Number"},{"name":"Stud_name","type":"String"}]},
             "shards":[
               {"id":"sh1","low":0,"size":100,"epoch":1,"primary":"a",
                "replicas":[{"name":"a","url":"%s","role":"Primary"}]}],
             "servers":{"Server0":["sh1"]}}
            """
                .formatted(shard.url()));
    assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
    return http;
  }

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    if (shard != null) {
      shard.close();
    }
  }

  private static void write(Http http, long key) {
    Http.Reply w =
        http.send("POST", "/write", "{\"data\":[{\"Stud_id\":" + key + ",\"Stud_name\":\"n\"}]}");
    assertThat(w.status()).as(w.text()).isEqualTo(200);
  }

  @Test
  void withTracesOnEachShardWriteNamesItsClientWritesSpan() throws Exception {
    // Only the context on the wire is checked here: no span is sampled, so none is exported.
    Http http =
        start(
            Map.of(
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:9",
                "otel.traces.sampler", "always_off"));
    write(http, 1);
    write(http, 2);
    assertThat(shard.traceparents).hasSize(2);
    SpanContext first = TraceContext.parse(shard.traceparents.get(0));
    SpanContext second = TraceContext.parse(shard.traceparents.get(1));
    assertThat(first.isValid()).as(shard.traceparents.get(0)).isTrue();
    assertThat(second.isValid()).isTrue();
    assertThat(second.getTraceId()).isNotEqualTo(first.getTraceId());
  }

  @Test
  void aClientsOwnTraceparentIsContinued() throws Exception {
    start(
        Map.of(
            "otel.exporter.otlp.endpoint", "http://127.0.0.1:9",
            "otel.traces.sampler", "always_off"));
    String client = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    java.net.http.HttpResponse<String> reply =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(router.url() + "/write"))
                    .header("Content-Type", "application/json")
                    .header("traceparent", client)
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"data\":[{\"Stud_id\":3,\"Stud_name\":\"n\"}]}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    SpanContext sent = TraceContext.parse(shard.traceparents.get(0));
    assertThat(sent.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(sent.getSpanId()).isNotEqualTo("00f067aa0ba902b7");
  }

  @Test
  void offByDefaultNoShardWriteCarriesOne() throws Exception {
    Http http = start(Map.of());
    write(http, 1);
    assertThat(shard.traceparents).containsExactly("");
  }
}
