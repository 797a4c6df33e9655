package io.shardeddb.router.e2e;

import io.shardeddb.router.e2e.OtlpReceiver.Received;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One trace's spans as a self-contained HTML waterfall, as a trace viewer draws it: one row per
 * span, indented under its parent (children in start order), with its service, its duration and a
 * bar placed on the trace's timeline, its attributes beneath. No script, no external resource, so a
 * headless browser renders it offline into the screenshot in docs/monitoring.md ("Traces").
 */
final class TraceWaterfall {
  private static final String[] SERVICE_COLOURS = {"#3b7dd8", "#e07b39", "#4a9d5b", "#9b59b6"};

  private TraceWaterfall() {}

  /** A span placed in the tree: its depth (0 for a root). */
  record Row(Received span, int depth) {}

  /**
   * The spans of {@code spans} in drawing order: each root (a span whose parent is not among them)
   * by start time, each followed by its children, depth first.
   */
  static List<Row> rows(List<Received> spans) {
    Set<String> ids = new HashSet<>();
    spans.forEach(s -> ids.add(s.spanId()));
    Map<String, List<Received>> children = new LinkedHashMap<>();
    List<Received> roots = new ArrayList<>();
    for (Received s : byStart(spans)) {
      if (ids.contains(s.parentSpanId())) {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      } else {
        roots.add(s);
      }
    }
    List<Row> out = new ArrayList<>();
    for (Received root : roots) {
      addTree(root, 0, children, out);
    }
    return out;
  }

  private static void addTree(
      Received span, int depth, Map<String, List<Received>> children, List<Row> out) {
    out.add(new Row(span, depth));
    for (Received child : children.getOrDefault(span.spanId(), List.of())) {
      addTree(child, depth + 1, children, out);
    }
  }

  private static List<Received> byStart(List<Received> spans) {
    return spans.stream()
        .sorted(Comparator.comparingLong(Received::startNanos).thenComparing(Received::spanId))
        .toList();
  }

  /** The page: a title line (trace id, spans, services, total time), then the waterfall. */
  static String html(List<Received> spans) {
    List<Row> rows = rows(spans);
    long start = spans.stream().mapToLong(Received::startNanos).min().orElse(0);
    long end = spans.stream().mapToLong(Received::endNanos).max().orElse(start);
    long total = Math.max(1, end - start);
    Map<String, String> colours = new LinkedHashMap<>();
    for (Row r : rows) {
      colours.computeIfAbsent(
          r.span().service(), s -> SERVICE_COLOURS[colours.size() % SERVICE_COLOURS.length]);
    }
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>trace ")
        .append(escape(spans.isEmpty() ? "" : spans.get(0).traceId()))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("</style></head>\n<body>\n<div class=\"head\"><b>trace ")
        .append(escape(spans.isEmpty() ? "-" : spans.get(0).traceId()))
        .append("</b> · ")
        .append(spans.size())
        .append(" spans · ")
        .append(colours.size())
        .append(" services · ")
        .append(millis(total))
        .append("</div>\n<div class=\"legend\">");
    colours.forEach(
        (service, colour) ->
            h.append("<span class=\"svc\" style=\"background:")
                .append(colour)
                .append("\">")
                .append(escape(service))
                .append("</span> "));
    h.append("</div>\n<div class=\"axis\"><span class=\"name\">span</span><span class=\"dur\">")
        .append("duration</span><span class=\"ticks\">");
    for (int i = 0; i <= 4; i++) {
      h.append("<span style=\"left:")
          .append(i * 25)
          .append("%\">")
          .append(millis(total * i / 4))
          .append("</span>");
    }
    h.append("</span></div>\n");
    for (Row r : rows) {
      row(h, r, start, total, colours.get(r.span().service()));
    }
    return h.append("</body></html>\n").toString();
  }

  private static void row(StringBuilder h, Row r, long start, long total, String colour) {
    Received s = r.span();
    double left = 100.0 * (s.startNanos() - start) / total;
    double width = Math.max(0.4, 100.0 * (s.endNanos() - s.startNanos()) / total);
    h.append("<div class=\"row\" data-depth=\"")
        .append(r.depth())
        .append("\"><span class=\"name\" style=\"padding-left:")
        .append(8 + 22 * r.depth())
        .append("px\">")
        .append(r.depth() > 0 ? "└ " : "")
        .append("<b>")
        .append(escape(s.name()))
        .append("</b> <span class=\"svc\" style=\"background:")
        .append(colour)
        .append("\">")
        .append(escape(s.service()))
        .append("</span></span><span class=\"dur\">")
        .append(millis(s.endNanos() - s.startNanos()))
        .append("</span><span class=\"track\"><span class=\"bar\" style=\"left:")
        .append(percent(left))
        .append("%;width:")
        .append(percent(Math.min(width, 100 - left)))
        .append("%;background:")
        .append(colour)
        .append("\"></span></span>\n<div class=\"attrs\" style=\"padding-left:")
        .append(8 + 22 * r.depth())
        .append("px\">span ")
        .append(escape(s.spanId()));
    s.attributes()
        .forEach((k, v) -> h.append(" · ").append(escape(k)).append('=').append(escape(v)));
    h.append("</div></div>\n");
  }

  /** Nanoseconds as milliseconds with two decimals ({@code 12.34 ms}). */
  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String percent(double p) {
    return String.format(Locale.ROOT, "%.3f", Math.max(0, p));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String STYLE =
      """
      body { font: 13px/1.4 "DejaVu Sans", Arial, sans-serif; margin: 16px; color: #222;
             background: #fff; width: 1168px; }
      .head { font-size: 15px; margin-bottom: 6px; }
      .legend { margin-bottom: 10px; }
      .svc { color: #fff; border-radius: 3px; padding: 0 6px; font-size: 11px; }
      .axis, .row { display: flex; align-items: center; }
      .axis { border-bottom: 1px solid #bbb; color: #666; font-size: 11px; height: 20px; }
      .row { flex-wrap: wrap; border-bottom: 1px solid #eee; padding: 4px 0; }
      .name { width: 430px; box-sizing: border-box; white-space: nowrap; overflow: hidden; }
      .dur { width: 80px; text-align: right; padding-right: 12px; color: #444; }
      .ticks, .track { position: relative; flex: 1; height: 14px; }
      .ticks span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
      .ticks span:first-child { transform: none; }
      .ticks span:last-child { transform: translateX(-100%); }
      .track { background: #f4f4f4; }
      .bar { position: absolute; top: 1px; height: 12px; border-radius: 2px; }
      .attrs { width: 100%; color: #777; font-size: 11px; }
      """;
}
