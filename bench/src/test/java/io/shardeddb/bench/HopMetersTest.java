package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopMetersTest {
  // As Micrometer's Prometheus registry writes them (Micronaut's HTTP timers carry a uri label).
  private static final String PAGE =
      """
      # HELP http_server_requests_seconds
      # TYPE http_server_requests_seconds histogram
      http_server_requests_seconds_bucket{exception="none",method="POST",status="200",uri="/write/batch",le="0.001"} 3.0
      http_server_requests_seconds_count{exception="none",method="POST",status="200",uri="/write/batch"} 10.0
      http_server_requests_seconds_sum{exception="none",method="POST",status="200",uri="/write/batch"} 0.05
      http_server_requests_seconds_count{exception="none",method="POST",status="409",uri="/write/batch"} 2.0
      http_server_requests_seconds_sum{exception="none",method="POST",status="409",uri="/write/batch"} 0.01
      http_server_requests_seconds_max{exception="none",method="POST",status="200",uri="/write/batch"} 0.02
      http_server_requests_seconds_count{exception="none",method="GET",status="200",uri="/prometheus"} 7.0
      http_server_requests_seconds_sum{exception="none",method="GET",status="200",uri="/prometheus"} 0.7
      shardeddb_write_commit_latency_seconds_count 4.0
      shardeddb_write_commit_latency_seconds_sum 0.004
      shardeddb_write_batch_size_count 4.0
      jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause"} 1.0
      """;

  @Test
  void timersAreSummedPerNameAndUriOverTheirOtherLabels() {
    Map<HopMeters.Key, HopMeters.Value> v = HopMeters.parse("primaries", PAGE);

    HopMeters.Value batch =
        v.get(new HopMeters.Key("primaries", "http_server_requests", "/write/batch"));
    assertThat(batch.sumSeconds()).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(batch.count()).isEqualTo(12.0);
    assertThat(v.get(new HopMeters.Key("primaries", "shardeddb_write_commit_latency", "")))
        .isEqualTo(new HopMeters.Value(0.004, 4.0));
    // The bench's own scrapes are not a hop; a summary that is not a timer is not one either.
    assertThat(v.keySet()).noneMatch(k -> k.uri().equals("/prometheus"));
    assertThat(v.keySet()).noneMatch(k -> k.meter().contains("batch_size"));
  }

  @Test
  void aPhaseIsTheDifferenceOfTwoReadingsAndOnlyTimersThatRanAreRows() {
    HopMeters.Key commit = new HopMeters.Key("primaries", "shardeddb_write_commit_latency", "");
    HopMeters.Key idle = new HopMeters.Key("router", "http_server_requests", "/status");
    HopMeters.Reading before =
        new HopMeters.Reading(
            Map.of(commit, new HopMeters.Value(1.0, 100), idle, new HopMeters.Value(1, 1)),
            List.of());
    HopMeters.Reading after =
        new HopMeters.Reading(
            Map.of(commit, new HopMeters.Value(1.5, 300), idle, new HopMeters.Value(1, 1)),
            List.of());

    List<HopMeters.Row> rows = HopMeters.rows("t", "write", 400, after.minus(before));

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).meanMs()).isEqualTo(2.5);
    assertThat(rows.get(0).perOp()).isEqualTo(0.5);
    assertThat(HopMeters.table(rows)).contains("| t | write | primaries |");
  }

  @Test
  void aPageIsReadWithTheScrapeCredentialAndAPodThatRefusesItIsListedUnreachable()
      throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/prometheus",
        ex -> {
          boolean ok = "Bearer scrape".equals(ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body = (ok ? PAGE : "").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(ok ? 200 : 401, body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/prometheus";
      try (HopMeters.Scraper withToken =
              new HopMeters.Scraper(List.of(new HopMeters.Pod("primaries", url, null, "scrape")));
          HopMeters.Scraper withoutToken =
              new HopMeters.Scraper(List.of(new HopMeters.Pod("primaries", url)))) {
        HopMeters.Reading with = withToken.read();
        assertThat(with.unreachable()).isEmpty();
        assertThat(with.values()).isNotEmpty();
        HopMeters.Reading without = withoutToken.read();
        assertThat(without.values()).isEmpty();
        assertThat(without.unreachable()).singleElement().asString().contains("HTTP 401");
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void oneScraperReadsEveryPodOverOneKeptConnectionNotANewClientPerScrape() throws Exception {
    // Review 2026-11-26 section 4: a new HttpClient per pod and scrape was a TLS handshake each.
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    java.util.Set<java.net.InetSocketAddress> peers =
        java.util.concurrent.ConcurrentHashMap.newKeySet();
    server.createContext(
        "/prometheus",
        ex -> {
          peers.add(ex.getRemoteAddress());
          byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/prometheus";
      try (HopMeters.Scraper scraper =
          new HopMeters.Scraper(
              List.of(new HopMeters.Pod("primaries", url), new HopMeters.Pod("router", url)))) {
        for (int i = 0; i < 5; i++) {
          assertThat(scraper.read().unreachable()).isEmpty();
        }
      }
      assertThat(peers).as("client ports of 10 page reads").hasSize(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void batchSizesAreOperationsPerCallOfTheBatchedCalls() {
    HopMeters.Key commit = new HopMeters.Key("primaries", "shardeddb_write_commit_latency", "");
    HopMeters.Key data = new HopMeters.Key("primaries", "shardeddb_datastream_call", "");
    HopMeters.Key server = new HopMeters.Key("router", "http_server_requests", "/write");
    HopMeters.Reading d =
        new HopMeters.Reading(
            Map.of(
                commit, new HopMeters.Value(1.0, 250),
                data, new HopMeters.Value(2.0, 400),
                server, new HopMeters.Value(9.0, 1000)),
            List.of());

    String md = HopMeters.batches(HopMeters.rows("t", "write", 1000, d));

    assertThat(md)
        .contains("| t | write | primaries: shardeddb_write_commit_latency | 0.250 | 4.00 |")
        .contains("| t | write | primaries: shardeddb_datastream_call | 0.400 | 2.50 |")
        .doesNotContain("http_server_requests");
  }
}
