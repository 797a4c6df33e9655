package io.shardeddb.shardserver.replication;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.replication.stream.StreamOffer;
import io.shardeddb.shardserver.storage.RequestOutcome;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Calls the replication endpoints of the other replicas of this shard. Every call has a connect
 * deadline and a request deadline ({@code shardeddb.replication.connect-timeout} and {@code
 * request-timeout}, rule 10), and blocking calls give up at once when their thread is interrupted
 * (a role change abandons work against the old primary).
 */
@Singleton
public class PeerClient implements PeerTransport, SourceTransport, AutoCloseable {
  private static final Argument<Map<String, Object>> ROW =
      Argument.mapOf(String.class, Object.class);

  /** The header that carries the receiver's epoch on a 409, so a stale primary learns it. */
  public static final String EPOCH_HEADER = "X-ShardedDB-Epoch";

  private final HttpClient http;
  private final JsonMapper json;
  private final ReplicationSettings settings;
  private final CredentialSource credentials;
  private final TlsFactory.ServerTls tls;

  public PeerClient(JsonMapper json, ReplicationSettings settings, CredentialSource credentials) {
    this(json, settings, credentials, new TlsFactory.ServerTls(Optional.empty()));
  }

  /** A client calling peers over TLS when {@code tls} is on (this server's certificate as mTLS). */
  @Inject
  public PeerClient(
      JsonMapper json,
      ReplicationSettings settings,
      CredentialSource credentials,
      TlsFactory.ServerTls tls) {
    this.json = json;
    this.settings = settings;
    this.credentials = credentials;
    this.tls = tls;
    this.http = httpClient(settings, tls);
  }

  /**
   * The one HTTP client every peer call goes through (connect deadline, local address, and this
   * server's certificate as mTLS when TLS is on).
   */
  private static HttpClient httpClient(ReplicationSettings settings, TlsFactory.ServerTls tls) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout());
    String local = settings.localAddress();
    if (local != null && !local.isBlank()) {
      try {
        builder.localAddress(InetAddress.getByName(local.trim()));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "shardeddb.replication.local-address '" + local + "' is not an address", e);
      }
    }
    return tls.peers(builder).build();
  }

  /** Sends entries to a secondary; completes with its applied LSN or a {@link PeerRefusal}. */
  @Override
  public CompletableFuture<ReplicateResponse> replicate(Peer peer, ReplicateRequest request) {
    HttpRequest req =
        authorized(URI.create(base(peer.url()) + "/replicate"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(write(request)))
            .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            resp -> {
              if (resp.statusCode() != 200) {
                throw new CompletionException(refusal(resp.statusCode(), resp.body(), resp));
              }
              return read(resp.body(), ReplicateResponse.class);
            });
  }

  /**
   * Where the secondary at {@code url} offers the binary replication stream: its port, or -1 when
   * it does not (404: a server without the stream).
   */
  public CompletableFuture<Integer> streamPort(String url) {
    HttpRequest req = authorized(URI.create(base(url) + "/replicate/stream")).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            resp -> {
              if (resp.statusCode() == 404) {
                return -1;
              }
              if (resp.statusCode() != 200) {
                throw new CompletionException(refusal(resp.statusCode(), resp.body(), resp));
              }
              return read(resp.body(), StreamOffer.class).port();
            });
  }

  /**
   * Pulls log entries from {@code fromLsn} on; {@code prevEpoch} is the epoch of this replica's
   * entry at {@code fromLsn - 1}, so the primary can tell whether the logs diverged (409) or the
   * range is no longer held (410).
   */
  public LogResponse log(String url, long fromLsn, long prevEpoch, String replica, int limit)
      throws IOException, InterruptedException {
    return log(url, fromLsn, prevEpoch, replica, limit, null, 0);
  }

  /**
   * As above, answered only by {@code primary} as the primary of {@code epoch} (421 from any other
   * server at that address).
   */
  @Override
  public LogResponse log(
      String url,
      long fromLsn,
      long prevEpoch,
      String replica,
      int limit,
      String primary,
      long epoch)
      throws IOException, InterruptedException {
    String query =
        "/log?fromLsn="
            + fromLsn
            + "&prevEpoch="
            + prevEpoch
            + "&limit="
            + limit
            + "&replica="
            + URLEncoder.encode(replica, StandardCharsets.UTF_8)
            + (primary == null
                ? ""
                : "&primary="
                    + URLEncoder.encode(primary, StandardCharsets.UTF_8)
                    + "&epoch="
                    + epoch);
    HttpRequest req = authorized(URI.create(base(url) + query)).GET().build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw refusal(resp.statusCode(), resp.body(), resp);
    }
    return read(resp.body(), LogResponse.class);
  }

  /**
   * Opens {@code GET /snapshot} and decodes its NDJSON lines (a {@link SnapshotHeader}, the rows,
   * the request outcomes) lazily; close it when done. The request deadline covers the response's
   * start; reading the rows is bounded by the caller (interrupt, or the stall check). Answered only
   * by {@code primary} as the primary of {@code epoch} (421 from any other server at that address).
   */
  @Override
  public SnapshotStream snapshot(String url, String primary, long epoch)
      throws IOException, InterruptedException {
    return decoded(
        url,
        snapshotAt(
            url,
            "/snapshot?primary="
                + URLEncoder.encode(primary, StandardCharsets.UTF_8)
                + "&epoch="
                + epoch));
  }

  /** The NDJSON lines of a snapshot as a {@link SnapshotStream} (decoded lazily). */
  private SnapshotStream decoded(String url, Stream<String> lines) {
    Iterator<String> it = lines.filter(l -> !l.isBlank()).iterator();
    return new SnapshotStream() {
      @Override
      public SnapshotHeader header() throws IOException {
        if (!it.hasNext()) {
          throw new IOException("empty snapshot from " + url);
        }
        return json.readValue(it.next(), SnapshotHeader.class);
      }

      @Override
      public Map<String, Object> nextRow() throws IOException {
        return it.hasNext() ? json.readValue(it.next(), ROW) : null;
      }

      @Override
      public RequestOutcome nextOutcome() throws IOException {
        return it.hasNext() ? json.readValue(it.next(), RequestOutcome.class) : null;
      }

      @Override
      public void close() {
        lines.close();
      }
    };
  }

  private Stream<String> snapshotAt(String url, String path)
      throws IOException, InterruptedException {
    HttpRequest req = authorized(URI.create(base(url) + path)).GET().build();
    HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
    if (resp.statusCode() != 200) {
      String body = String.join("\n", resp.body().limit(5).toList());
      throw refusal(resp.statusCode(), body.getBytes(StandardCharsets.UTF_8), resp);
    }
    return resp.body();
  }

  @Override
  public void expectSources(Map<String, String> hostByUrl) {
    tls.expectSources(hostByUrl);
  }

  /** {@code GET /heartbeat} of a replica (of this shard, or of an import's source shard). */
  @Override
  public Heartbeat heartbeat(String url) throws IOException, InterruptedException {
    HttpRequest req = authorized(URI.create(base(url) + "/heartbeat")).GET().build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw refusal(resp.statusCode(), resp.body(), resp);
    }
    return read(resp.body(), Heartbeat.class);
  }

  /** An import's page of a source primary's log from {@code fromLsn}, filtered to {@code range}. */
  @Override
  public LogResponse rangeLog(
      String url, String primary, long epoch, long fromLsn, PointRange range, int limit)
      throws IOException, InterruptedException {
    String query =
        "/log?fromLsn="
            + fromLsn
            + "&limit="
            + limit
            + "&low="
            + range.low()
            + "&size="
            + range.size()
            + identity(primary, epoch);
    HttpRequest req = authorized(URI.create(base(url) + query)).GET().build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw refusal(resp.statusCode(), resp.body(), resp);
    }
    return read(resp.body(), LogResponse.class);
  }

  /** Opens a source primary's snapshot of {@code range} (as {@link #snapshot}). */
  @Override
  public SnapshotStream rangeSnapshot(String url, String primary, long epoch, PointRange range)
      throws IOException, InterruptedException {
    return decoded(
        url,
        snapshotAt(
            url,
            "/snapshot?low=" + range.low() + "&size=" + range.size() + identity(primary, epoch)));
  }

  /** The query naming the source primary an import reads from, and its epoch (none: unchecked). */
  private static String identity(String primary, long epoch) {
    return primary == null
        ? ""
        : "&primary=" + URLEncoder.encode(primary, StandardCharsets.UTF_8) + "&epoch=" + epoch;
  }

  /** A request with the deadline and this database's shard credential (peers check it). */
  private HttpRequest.Builder authorized(URI uri) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout());
    String authorization = credentials.get().authorization();
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private PeerRefusal refusal(int status, byte[] body, HttpResponse<?> resp) {
    String message;
    try {
      message = json.readValue(body, MessageResponse.class).message();
    } catch (IOException | RuntimeException e) {
      message = "HTTP " + status;
    }
    long epoch =
        resp.headers().firstValue(EPOCH_HEADER).map(Long::parseLong).orElse(-1L).longValue();
    return new PeerRefusal(status, message, epoch);
  }

  private byte[] write(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T read(byte[] body, Class<T> type) {
    try {
      return json.readValue(body, Argument.of(type));
    } catch (IOException e) {
      throw new UncheckedIOException("malformed reply from peer: " + e.getMessage(), e);
    }
  }

  private static String base(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @PreDestroy
  @Override
  public void close() {
    http.shutdownNow();
  }
}
