package io.shardeddb.router.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.router.e2e.OtlpReceiver.Received;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The waterfall the trace screenshot in docs/monitoring.md is rendered from: spans under their
 * parents in start order, durations, bars on the trace's timeline, escaped text.
 */
class TraceWaterfallTest {
  static final String TRACE = "ac38edf2855ad10838818226a08a7f7b";
  static final long T0 = 1_795_680_000_000_000_000L;

  static Received span(
      String service, String name, String id, String parent, long fromMicros, long toMicros) {
    return new Received(
        service,
        name,
        TRACE,
        id,
        parent,
        Map.of("shardeddb.replica", "traced-0"),
        List.of(),
        T0 + fromMicros * 1000,
        T0 + toMicros * 1000);
  }

  // As the receiver gets them: the secondaries' spans first, the router's last.
  static final List<Received> ONE_WRITE =
      List.of(
          span("shardeddb-shard-server", "replicate apply", "a2", "w", 3_500, 6_000),
          span("shardeddb-shard-server", "replicate apply", "a1", "w", 3_000, 5_000),
          span("shardeddb-shard-server", "shard write", "w", "r", 1_000, 8_000),
          span("shardeddb-router", "router write", "r", "", 0, 10_000));

  @Test
  void spansAreDrawnUnderTheirParentsInStartOrder() {
    List<TraceWaterfall.Row> rows = TraceWaterfall.rows(ONE_WRITE);
    assertThat(rows)
        .extracting(r -> r.span().spanId() + "@" + r.depth())
        .containsExactly("r@0", "w@1", "a1@2", "a2@2");
  }

  @Test
  void aSpanWhoseParentIsNotInTheTraceIsARoot() {
    List<Received> withOrphan =
        List.of(
            ONE_WRITE.get(3),
            span("shardeddb-shard-server", "replicate apply", "o", "not-received", 500, 900));
    assertThat(TraceWaterfall.rows(withOrphan))
        .extracting(r -> r.span().spanId() + "@" + r.depth())
        .containsExactly("r@0", "o@0");
  }

  @Test
  void thePageShowsEachSpanWithItsServiceDurationAndBar() {
    String html = TraceWaterfall.html(ONE_WRITE);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<b>trace " + TRACE + "</b> · 4 spans · 2 services · 10.00 ms")
        .doesNotContain("<script", "http://", "https://");
    // The shard write: 1 ms into a 10 ms trace, 7 ms long.
    assertThat(html)
        .contains(
            "<b>shard write</b> <span class=\"svc\" style=\"background:#e07b39\">"
                + "shardeddb-shard-server</span></span><span class=\"dur\">7.00 ms</span>"
                + "<span class=\"track\"><span class=\"bar\" style=\"left:10.000%;width:70.000%;"
                + "background:#e07b39\">");
    assertThat(html)
        .contains("<b>router write</b> <span class=\"svc\" style=\"background:#3b7dd8\">")
        .contains("left:0.000%;width:100.000%")
        .contains("left:35.000%;width:25.000%");
    // Depth becomes indentation, in drawing order.
    assertThat(html.indexOf("data-depth=\"0\"")).isLessThan(html.indexOf("data-depth=\"1\""));
    assertThat(html).contains("data-depth=\"2\"><span class=\"name\" style=\"padding-left:52px\">");
    assertThat(html).contains("span w · shardeddb.replica=traced-0");
  }

  @Test
  void textFromSpansIsEscaped() {
    Received evil =
        new Received(
            "svc<b>",
            "<script>alert(1)</script>",
            TRACE,
            "x",
            "",
            Map.of("k", "\"&'"),
            List.of(),
            T0,
            T0 + 1);
    String html = TraceWaterfall.html(List.of(evil));
    assertThat(html)
        .doesNotContain("<script>", "svc<b>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "svc&lt;b&gt;", "k=&quot;&amp;'");
  }
}
