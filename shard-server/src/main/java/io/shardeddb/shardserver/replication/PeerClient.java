package io.shardeddb.shardserver.replication;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.client.ServerCalls;
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
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Calls the replication endpoints of the other replicas of this shard, through the protocol's
 * {@link ServerCalls} (the URL, deadline, credential, {@code Accept} and body codec every server
 * client shares) with Micronaut's mapper. Every call has a connect deadline and a request deadline
 * ({@code shardeddb.replication.connect-timeout} and {@code request-timeout}, rule 10), and
 * blocking calls give up at once when their thread is interrupted (a role change abandons work
 * against the old primary). A peer's non-2xx answer becomes a {@link PeerRefusal} in one place
 * ({@link #refusal}).
 */
@Singleton
public class PeerClient implements PeerTransport, SourceTransport, AutoCloseable {
  private static final Argument<Map<String, Object>> ROW =
      Argument.mapOf(String.class, Object.class);

  /** The header that carries the receiver's epoch on a 409, so a stale primary learns it. */
  public static final String EPOCH_HEADER = "X-ShardedDB-Epoch";

  private final HttpClient http;
  private final JsonMapper json;
  private final ServerCalls calls;
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
    this.tls = tls;
    this.http = httpClient(settings, tls);
    this.calls =
        new ServerCalls(
            codec(json),
            settings.requestTimeout(),
            uri -> http,
            base -> credentials.get().authorization(),
            new Failures());
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
    return calls
        .answerAsync(calls.request("POST", peer.url(), "/replicate", request), this::refusal)
        .thenApply(a -> calls.read(a, ReplicateResponse.class));
  }

  /**
   * Where the secondary at {@code url} offers the binary replication stream: its port, or -1 when
   * it does not (404: a server without the stream).
   */
  public CompletableFuture<Integer> streamPort(String url) {
    return calls
        .exchangeAsync(get(url, "/replicate/stream"))
        .thenApply(
            a -> {
              if (a.status() == 404) {
                return -1;
              }
              if (!a.ok()) {
                throw new CompletionException(refusal(a));
              }
              return calls.read(a, StreamOffer.class).port();
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
            + identity(primary, epoch);
    return calls.read(calls.answer(get(url, query), this::refusal), LogResponse.class);
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
                + epoch
                + "&timestamps=true"));
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
    HttpRequest req = calls.builder(url, path, ServerCalls.NDJSON).GET().build();
    return calls.lines(req, this::refusal);
  }

  @Override
  public void expectSources(Map<String, String> hostByUrl) {
    tls.expectSources(hostByUrl);
  }

  /** {@code GET /heartbeat} of a replica (of this shard, or of an import's source shard). */
  @Override
  public Heartbeat heartbeat(String url) throws IOException, InterruptedException {
    return calls.read(calls.answer(get(url, "/heartbeat"), this::refusal), Heartbeat.class);
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
    return calls.read(calls.answer(get(url, query), this::refusal), LogResponse.class);
  }

  /** Opens a source primary's snapshot of {@code range} (as {@link #snapshot}). */
  @Override
  public SnapshotStream rangeSnapshot(String url, String primary, long epoch, PointRange range)
      throws IOException, InterruptedException {
    return decoded(
        url,
        snapshotAt(
            url,
            "/snapshot?low="
                + range.low()
                + "&size="
                + range.size()
                + identity(primary, epoch)
                + "&timestamps=true"));
  }

  /** The query naming the source primary an import reads from, and its epoch (none: unchecked). */
  private static String identity(String primary, long epoch) {
    return primary == null
        ? ""
        : "&primary=" + URLEncoder.encode(primary, StandardCharsets.UTF_8) + "&epoch=" + epoch;
  }

  /** {@code GET path} of {@code url} with the deadline, the shard credential, accepting JSON. */
  private HttpRequest get(String url, String path) {
    return calls.get(url, path);
  }

  /**
   * A peer's refusal — a non-2xx answer — as the {@link PeerRefusal} its callers act on: the
   * status, the peer's message ("HTTP status" when it sent none) and its epoch header (-1: none).
   * The one place a peer's answer becomes a refusal.
   */
  private PeerRefusal refusal(ServerCalls.Answer answer) {
    String message = calls.message(answer);
    long epoch = answer.header(EPOCH_HEADER).map(Long::parseLong).orElse(-1L);
    return new PeerRefusal(
        answer.status(), message == null ? "HTTP " + answer.status() : message, epoch);
  }

  /**
   * Bodies through Micronaut's mapper (the peers' rows and records are {@code @Serdeable}), a
   * refusal's message from its {@link MessageResponse}.
   */
  private static ServerCalls.Codec codec(JsonMapper json) {
    return new ServerCalls.Codec() {
      @Override
      public byte[] write(Object value) throws IOException {
        return json.writeValueAsBytes(value);
      }

      @Override
      public <T> T read(byte[] body, Class<T> type) throws IOException {
        return json.readValue(body, Argument.of(type));
      }

      @Override
      public String message(byte[] body) {
        try {
          return json.readValue(body, MessageResponse.class).message();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }
    };
  }

  /**
   * What fails outside a refusal: a request or reply that is not the JSON expected (the transport's
   * own failures stay the JDK's checked exceptions, {@link ServerCalls#answer}).
   */
  private static final class Failures implements ServerCalls.Failures {
    @Override
    public RuntimeException refused(HttpRequest request, int status, String reason, String body) {
      return new UncheckedIOException(new PeerRefusal(status, reason, -1));
    }

    @Override
    public RuntimeException unanswered(HttpRequest request, IOException cause) {
      return new UncheckedIOException(cause);
    }

    @Override
    public RuntimeException interrupted(HttpRequest request, InterruptedException cause) {
      return new IllegalStateException("interrupted: " + request.uri(), cause);
    }

    @Override
    public RuntimeException unreadable(Class<?> type, String body, IOException cause) {
      return new UncheckedIOException("malformed reply from peer: " + cause.getMessage(), cause);
    }

    @Override
    public RuntimeException unwritable(String path, IOException cause) {
      return new UncheckedIOException(cause);
    }
  }

  @PreDestroy
  @Override
  public void close() {
    http.shutdownNow();
  }
}
