package io.shardeddb.router.e2e;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver on loopback, in the test's JVM: {@code POST /v1/traces} bodies
 * are decoded as {@code ExportTraceServiceRequest} (opentelemetry-proto, the exporters' own
 * encoding) and kept as {@link Received} spans, each with its service's name.
 */
final class OtlpReceiver implements AutoCloseable {
  /**
   * One received span: ids in lower-case hex (parent empty for a root), attributes as text, start
   * and end in Unix nanoseconds.
   */
  record Received(
      String service,
      String name,
      String traceId,
      String spanId,
      String parentSpanId,
      Map<String, String> attributes,
      List<String> linkedSpanIds,
      long startNanos,
      long endNanos) {
    @Override
    public String toString() {
      return service
          + " \""
          + name
          + "\" trace "
          + traceId
          + " span "
          + spanId
          + " parent "
          + (parentSpanId.isEmpty() ? "-" : parentSpanId)
          + " "
          + attributes
          + (linkedSpanIds.isEmpty() ? "" : " links " + linkedSpanIds);
    }
  }

  private final HttpServer server;
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  static OtlpReceiver start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (exchange) {
            byte[] body;
            try (InputStream in = decoded(exchange)) {
              body = in.readAllBytes();
            }
            try {
              receiver.take(ExportTraceServiceRequest.parseFrom(body));
            } catch (IOException | RuntimeException | LinkageError e) {
              receiver.errors.add(e.toString());
              exchange.sendResponseHeaders(400, -1);
              return;
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
              }
            }
          }
        });
    server.start();
    return receiver;
  }

  private static InputStream decoded(com.sun.net.httpserver.HttpExchange exchange)
      throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  /** The base URL exporters are pointed at ({@code OTEL_EXPORTER_OTLP_ENDPOINT}). */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> spans() {
    return List.copyOf(spans);
  }

  /** Bodies that did not decode (none expected). */
  List<String> errors() {
    return List.copyOf(errors);
  }

  private void take(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = text(rs.getResource().getAttributesList()).get("service.name");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          List<String> links = new ArrayList<>();
          s.getLinksList().forEach(l -> links.add(hex.formatHex(l.getSpanId().toByteArray())));
          spans.add(
              new Received(
                  service,
                  s.getName(),
                  hex.formatHex(s.getTraceId().toByteArray()),
                  hex.formatHex(s.getSpanId().toByteArray()),
                  hex.formatHex(s.getParentSpanId().toByteArray()),
                  text(s.getAttributesList()),
                  links,
                  s.getStartTimeUnixNano(),
                  s.getEndTimeUnixNano()));
        }
      }
    }
  }

  private static Map<String, String> text(List<KeyValue> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      var v = kv.getValue();
      String value =
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString().trim();
          };
      out.put(kv.getKey(), value);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
