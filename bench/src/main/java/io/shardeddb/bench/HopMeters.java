package io.shardeddb.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The per-hop view of a phase (issue 27, lever 5): every timer the pods export on {@code
 * /prometheus} (Micronaut's {@code http_server_requests} and {@code http_client_requests} per URI,
 * the shard-servers' {@code shardeddb_write_queue/commit/quorum_latency}, {@code
 * shardeddb_replication_latency} and {@code shardeddb_replication_apply_latency}), read before and
 * after the phase, summed per process group (router, primaries, secondaries). The difference gives,
 * per hop, how many times it ran during the phase and its mean time, so a lever's effect is seen
 * where it lands.
 */
final class HopMeters {
  /**
   * One pod's metrics page and the group its process belongs to, with how to scrape it as the
   * database's PodMonitor does: {@code tls} trusting the database's CA (null for plain HTTP, a
   * database with TLS off) and the scrape credential of {@code <db>-metrics} (null: none).
   */
  record Pod(String group, String url, SSLContext tls, String token) {
    Pod(String group, String url) {
      this(group, url, null, null);
    }
  }

  /** A timer of one group, by name and (for HTTP timers) URI. */
  record Key(String group, String meter, String uri) {}

  /** A timer's sum (seconds) and count. */
  record Value(double sumSeconds, double count) {
    Value plus(Value o) {
      return new Value(sumSeconds + o.sumSeconds, count + o.count);
    }

    Value minus(Value o) {
      return new Value(sumSeconds - o.sumSeconds, count - o.count);
    }
  }

  /** Every timer of every pod at one moment, summed per group; pods that did not answer listed. */
  record Reading(Map<Key, Value> values, List<String> unreachable) {
    static Reading none() {
      return new Reading(Map.of(), List.of());
    }

    Reading minus(Reading before) {
      Map<Key, Value> out = new LinkedHashMap<>();
      values.forEach(
          (k, v) -> {
            Value d = v.minus(before.values.getOrDefault(k, new Value(0, 0)));
            if (d.count() > 0) {
              out.put(k, d);
            }
          });
      List<String> missing = new ArrayList<>(unreachable);
      missing.addAll(before.unreachable);
      return new Reading(out, missing);
    }

    Reading plus(Reading o) {
      Map<Key, Value> out = new LinkedHashMap<>(values);
      o.values.forEach((k, v) -> out.merge(k, v, Value::plus));
      List<String> missing = new ArrayList<>(unreachable);
      missing.addAll(o.unreachable);
      return new Reading(out, missing);
    }
  }

  /** One row of the hops table: a timer of a group during a phase of a target. */
  record Row(String target, String phase, int ops, Key key, Value value) {
    double meanMs() {
      return value.count() == 0 ? 0 : value.sumSeconds() * 1000 / value.count();
    }

    double perOp() {
      return ops == 0 ? 0 : value.count() / ops;
    }
  }

  // name{labels} value, for the _sum and _count series of timers (Prometheus text format).
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)_seconds_(sum|count)(\\{([^}]*)\\})? (\\S+)$");
  private static final Pattern URI_LABEL = Pattern.compile("(?:^|,)uri=\"([^\"]*)\"");

  private HopMeters() {}

  /** The timers of one Prometheus text page, summed per name and URI (other labels dropped). */
  static Map<Key, Value> parse(String group, String page) {
    Map<Key, Value> out = new LinkedHashMap<>();
    for (String line : page.split("\n")) {
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      String uri = "";
      if (m.group(4) != null) {
        Matcher u = URI_LABEL.matcher(m.group(4));
        if (u.find()) {
          uri = u.group(1);
        }
      }
      if (uri.equals("/prometheus")) {
        continue; // the bench's own reading of this page, not a hop of the workload
      }
      double v = Double.parseDouble(m.group(5));
      Value add = m.group(2).equals("sum") ? new Value(v, 0) : new Value(0, v);
      out.merge(new Key(group, m.group(1), uri), add, Value::plus);
    }
    return out;
  }

  /**
   * Reads the pages of one configuration's pods, as Prometheus scrapes them (HTTPS verified against
   * the database's CA and the scrape credential when the pod has them, docs/monitoring.md), over
   * one HTTP client kept for the whole measurement: its connections stay open between readings, so
   * a reading costs no TLS handshake (a client per pod and reading cost 13 handshakes a reading).
   * The bench reads it outside every CPU bracket ({@link Phases}).
   */
  static final class Scraper implements AutoCloseable {
    private final List<Pod> pods;
    private final HttpClient client;

    /** The pods of one database share its CA: the first pod's context serves them all. */
    Scraper(List<Pod> pods) {
      this.pods = List.copyOf(pods);
      HttpClient.Builder b =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(3));
      pods.stream().map(Pod::tls).filter(t -> t != null).findFirst().ifPresent(b::sslContext);
      this.client = b.build();
    }

    /** Every pod's page now; a pod that does not answer within a few seconds is listed. */
    Reading read() {
      Map<Key, Value> values = new LinkedHashMap<>();
      List<String> unreachable = new ArrayList<>();
      for (Pod pod : pods) {
        try {
          parse(pod.group(), fetch(pod)).forEach((k, v) -> values.merge(k, v, Value::plus));
        } catch (IOException | RuntimeException e) {
          unreachable.add(pod.url() + ": " + e);
        }
      }
      return new Reading(values, unreachable);
    }

    private String fetch(Pod pod) throws IOException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(pod.url())).timeout(Duration.ofSeconds(5));
      if (pod.token() != null) {
        request.header("Authorization", "Bearer " + pod.token());
      }
      try {
        HttpResponse<String> r =
            client.send(
                request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
          throw new IOException("HTTP " + r.statusCode());
        }
        return r.body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /** The rows of one phase, by group then by total time, largest first. */
  static List<Row> rows(String target, String phase, int ops, Reading d) {
    List<Row> rows = new ArrayList<>();
    d.values().forEach((k, v) -> rows.add(new Row(target, phase, ops, k, v)));
    rows.sort(
        Comparator.comparing((Row r) -> r.key().group())
            .thenComparing(r -> -r.value().sumSeconds()));
    return rows;
  }

  /**
   * The calls whose count per operation is a batch size (issue 27 asks for them): a call made once
   * per batch, {@code 1 / per op} operations each. Replicate requests are counted on every
   * secondary (two per shard at three replicas) and include the lease pings.
   */
  static final List<Key> BATCHED =
      List.of(
          new Key("primaries", "shardeddb_datastream_call", ""),
          new Key("primaries", "shardeddb_write_commit_latency", ""),
          new Key("secondaries", "shardeddb_replication_apply_latency", ""));

  /** Operations per call of the {@link #BATCHED} calls, per target and phase, in Markdown. */
  static String batches(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n## Batch sizes (operations per call, from the timers' counts)\n\n");
    sb.append(
        "Router → primary data calls (`shardeddb_datastream_call`), the primary's group commits"
            + " (`shardeddb_write_commit_latency`) and replicate requests applied, summed over"
            + " every secondary (`shardeddb_replication_apply_latency`, lease pings included).\n\n");
    sb.append("| target | phase | call | calls per op | ops per call |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Row r : rows) {
      if (!BATCHED.contains(r.key()) || r.perOp() == 0) {
        continue;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s: %s | %.3f | %.2f |%n",
              r.target(),
              r.phase(),
              r.key().group(),
              r.key().meter(),
              r.perOp(),
              1 / r.perOp()));
    }
    return sb.toString();
  }

  /** The hops table in Markdown: per target and phase, every timer that ran. */
  static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n## Per hop (timers read from every pod's /prometheus around the phase)\n\n");
    sb.append("| target | phase | group | timer | uri | per op | mean ms |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %.2f | %.3f |%n",
              r.target(),
              r.phase(),
              r.key().group(),
              r.key().meter(),
              r.key().uri(),
              r.perOp(),
              r.meanMs()));
    }
    return sb.toString();
  }

  /** As {@link #table}, one row a line of CSV. */
  static List<String> csv(List<Row> rows) {
    List<String> out = new ArrayList<>();
    out.add("target,phase,ops,group,timer,uri,count,sum_seconds,mean_ms");
    for (Row r : rows) {
      out.add(
          String.join(
              ",",
              r.target(),
              r.phase(),
              String.valueOf(r.ops()),
              r.key().group(),
              r.key().meter(),
              r.key().uri(),
              String.format(Locale.ROOT, "%.0f", r.value().count()),
              String.format(Locale.ROOT, "%.6f", r.value().sumSeconds()),
              String.format(Locale.ROOT, "%.3f", r.meanMs())));
    }
    return out;
  }
}
