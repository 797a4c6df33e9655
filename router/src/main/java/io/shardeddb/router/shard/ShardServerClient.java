package io.shardeddb.router.shard;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.micronaut.json.JsonMapper;
import io.netty.bootstrap.Bootstrap;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardExplainResponse;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardTxnRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.config.RouterTlsSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import javax.net.ssl.SSLContext;
import reactor.core.publisher.Mono;

/**
 * The router's non-blocking client for the shard-server API. One pooled keep-alive Micronaut client
 * serves every replica (requests carry absolute URLs); every failure becomes a {@link
 * ShardServerException} carrying the replica's status and message. With {@code
 * shardeddb.router.local-address} set (env {@code SHARDEDDB_LOCAL_ADDRESS}; local mode sets it to
 * the pod's loopback address), connections leave from that address, so a network fault can tell
 * this router's traffic apart from other pods'. Concurrent writes and point reads to one replica
 * are coalesced into {@code /write/batch} and {@code /read/batch} requests ({@link CoalescedWrites}
 * over this client's HTTP calls, {@link Coalescer}; {@code shardeddb.router.coalesce.*}).
 *
 * <p>With {@code shardeddb.router.shard-transport=stream} (env {@code
 * SHARDEDDB_ROUTER_SHARD_TRANSPORT}; default {@code stream} since 2026-11-25, docs/benchmarks.md)
 * the data calls ({@code /write}, {@code /write/batch}, {@code /read}, {@code /read/batch}, {@code
 * /update}, {@code /del}) go over one framed connection per shard-server ({@link ShardStream})
 * whenever it is up, with {@code shardeddb.router.shard-stream.max-in-flight} (default 4) coalesced
 * requests in flight to a shard-server while its stream is up ({@code coalesce.max-in-flight} while
 * its calls go over HTTP); HTTP otherwise (a server that does not offer it, refuses it, or before
 * the connection is made). Heartbeats and control calls stay HTTP.
 *
 * <p>Why this file is over 450 lines: it is the one place a data call picks its transport and its
 * window per shard-server — the HTTP calls, the choice between them and the stream, and the mapping
 * of either's refusals to the same {@link ShardServerException}s — so the router's retry and 421
 * rules see one behaviour whatever the wire; the stream's connection itself is apart ({@link
 * ShardStream}).
 */
@Singleton
public class ShardServerClient implements ShardDataCalls, ShardReadCalls, AutoCloseable {
  private static final Argument<MessageResponse> ERROR = Argument.of(MessageResponse.class);

  private final HttpClient http;
  private final CredentialSource credentials;
  private final CoalescedWrites writes;
  private final Coalescer<Map<String, Object>, ShardReadResponse> reads;
  private final ShardStream stream;

  /**
   * A client whose connections leave from the default address (tests, tools), sending the shard
   * credential from {@code credentials}, coalescing with the default settings.
   */
  public ShardServerClient(HttpClientRegistry<HttpClient> registry, CredentialSource credentials) {
    this.http = registry.getDefaultClient();
    this.credentials = credentials;
    this.stream = null;
    RouterSettings.Coalesce defaults = new RouterSettings.Coalesce(true, 64, 1);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    this.writes = new CoalescedWrites(new HttpWire(), defaults, System::nanoTime, meters);
    this.reads = readCoalescer(defaults, url -> defaults.maxInFlight(), meters);
  }

  /**
   * The router's client. The shard credential comes from {@code shardeddb.router.shard-auth}:
   * {@code credentials-dir} (env {@code SHARDEDDB_ROUTER_SHARD_AUTH_DIR}, the mounted Secret whose
   * file {@code token} is sent, read again as it changes) or {@code token}; with neither, calls
   * carry no credential (shard-servers with auth switched off). The transport of the data calls as
   * the class says ({@link RouterSettings#shardTransport}, {@link RouterSettings#shardStream}); the
   * stream's deadlines are the HTTP client's ({@code micronaut.http.client.connect-timeout}, {@code
   * read-timeout}).
   */
  @Inject
  public ShardServerClient(
      HttpClientRegistry<HttpClient> registry,
      NettyClientCustomizer.Registry customizers,
      RouterSettings settings,
      MeterRegistry meters,
      RouterTlsSettings tls,
      ShardPodNames podNames,
      JsonMapper json,
      @Property(name = "micronaut.http.client.connect-timeout") @Nullable Duration connectTimeout,
      @Property(name = "micronaut.http.client.read-timeout") @Nullable Duration readTimeout) {
    String localAddress = settings.localAddress();
    String credentialsDir = settings.shardAuth().credentialsDir();
    String token = settings.shardAuth().token();
    this.credentials =
        !credentialsDir.isBlank()
            ? CredentialSource.directory(Path.of(credentialsDir.trim()))
            : CredentialSource.fixed(token.trim());
    if (!localAddress.isBlank()) {
      // Applied to every connection's bootstrap before it connects (ephemeral port).
      customizers.register(new BindTo(new InetSocketAddress(localAddress, 0)));
    }
    this.http = registry.getDefaultClient();
    RouterSettings.Coalesce coalesce = settings.coalesce();
    int streamWindow = settings.shardStream().maxInFlight();
    if (settings.streamTransport()) {
      SSLContext context =
          tls.shardTls()
              ? Tls.clientContext(
                  TlsMaterialSource.directory(
                      Path.of(tls.dir().trim()), tls.refresh(), System::nanoTime),
                  TlsRole.SHARD_SERVER,
                  podNames.names())
              : null;
      this.stream =
          new ShardStream(
              url -> call(url, HttpRequest.GET(url + DataFrames.OFFER_PATH), DataStreamOffer.class),
              () -> credentials.get().authorization(),
              url -> context,
              localAddress,
              connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout,
              readTimeout == null ? Duration.ofSeconds(10) : readTimeout,
              new StreamCalls(json, StreamCalls.ASKED));
    } else {
      this.stream = null;
    }
    // The stream's window only where its connection is up; calls over HTTP keep HTTP's.
    int httpWindow = coalesce.maxInFlight();
    ToIntFunction<String> window =
        stream == null
            ? url -> httpWindow
            : url -> stream.connected(url) ? streamWindow : httpWindow;
    this.writes = new CoalescedWrites(new HttpWire(), coalesce, window, System::nanoTime, meters);
    this.reads = readCoalescer(coalesce, window, meters);
  }

  /** Whether data calls may go over the data stream ({@code shard-transport=stream}). */
  public boolean streamTransport() {
    return stream != null;
  }

  /** Starts the data stream to {@code url} if it is not up (no call waits for it). */
  void warmStream(String url) {
    if (stream != null) {
      stream.warm(url);
    }
  }

  /** Whether the data stream to {@code url} is up (tests). */
  boolean streamConnected(String url) {
    return stream != null && stream.connected(url);
  }

  /** Data calls answered over the stream since start (tests). */
  public long streamedCalls() {
    return stream == null ? 0 : stream.streamed();
  }

  /**
   * The data call {@code op} over the stream when its connection to {@code url} is up, else {@code
   * http} (decided when subscribed).
   */
  private <T> Mono<T> exchange(
      String url, byte op, String owned, Object body, Class<T> type, Supplier<Mono<T>> http) {
    if (stream == null) {
      return http.get();
    }
    return Mono.defer(
        () -> {
          Mono<T> streamed = stream.call(url, op, owned, body, Argument.of(type));
          if (streamed == null) {
            return http.get();
          }
          // A shard-server from before this op (a rolling upgrade) refuses it on the stream, having
          // done nothing: the call goes over HTTP instead.
          return streamed.onErrorResume(
              e ->
                  e instanceof ShardServerException s
                      && DataFrames.isUnknownCall(s.status(), s.getMessage()),
              e -> http.get());
        });
  }

  @PreDestroy
  @Override
  public void close() {
    if (stream != null) {
      stream.close();
    }
  }

  /** The plain HTTP calls under the coalescer: {@code /write}, {@code /write/batch}. */
  private final class HttpWire implements CoalescedWrites.Wire {
    @Override
    public Mono<ShardWriteResponse> write(String url, String owned, ShardWriteRequest request) {
      return writeOne(url, owned, request);
    }

    @Override
    public Mono<ShardWriteBatchResponse> writeBatch(
        String url, String owned, ShardWriteBatchRequest batch) {
      return exchange(
          url,
          DataFrames.WRITE_BATCH,
          owned,
          batch,
          ShardWriteBatchResponse.class,
          () ->
              call(
                  url,
                  owned(HttpRequest.POST(url + ShardEndpoints.WRITE_BATCH, batch), owned),
                  ShardWriteBatchResponse.class));
    }

    @Override
    public Mono<ShardWriteResponse> update(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        Map<String, Object> row,
        String requestId,
        long timestamp) {
      return ShardServerClient.this.update(
          url, shard, owned, keyName, key, row, requestId, timestamp, null);
    }

    @Override
    public Mono<ShardWriteResponse> update(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        Map<String, Object> row,
        String requestId,
        long timestamp,
        String table) {
      return ShardServerClient.this.update(
          url, shard, owned, keyName, key, row, requestId, timestamp, table);
    }

    @Override
    public Mono<ShardWriteResponse> delete(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        String requestId,
        long timestamp) {
      return ShardServerClient.this.delete(
          url, shard, owned, keyName, key, requestId, timestamp, null);
    }

    @Override
    public Mono<ShardWriteResponse> delete(
        String url,
        String shard,
        String owned,
        String keyName,
        Object key,
        String requestId,
        long timestamp,
        String table) {
      return ShardServerClient.this.delete(
          url, shard, owned, keyName, key, requestId, timestamp, table);
    }

    @Override
    public Mono<ShardWriteResponse> txn(String url, String owned, ShardTxnRequest request) {
      return ShardServerClient.this.txn(url, owned, request);
    }
  }

  private Coalescer<Map<String, Object>, ShardReadResponse> readCoalescer(
      RouterSettings.Coalesce settings, ToIntFunction<String> window, MeterRegistry meters) {
    if (!settings.enabled()) {
      return null;
    }
    Coalescer.Transport<Map<String, Object>, ShardReadResponse> transport =
        new Coalescer.Transport<>() {
          @Override
          public Mono<ShardReadResponse> one(String url, String owned, Map<String, Object> body) {
            return readOne(url, owned, body);
          }

          @Override
          public Mono<List<BatchReplies.Outcome<ShardReadResponse>>> batch(
              String url, String owned, List<Map<String, Object>> bodies) {
            ShardReadBatchRequest batch = new ShardReadBatchRequest(bodies);
            return exchange(
                    url,
                    DataFrames.READ_BATCH,
                    owned,
                    batch,
                    ShardReadBatchResponse.class,
                    () ->
                        call(
                            url,
                            owned(HttpRequest.POST(url + ShardEndpoints.READ_BATCH, batch), owned),
                            ShardReadBatchResponse.class))
                .map(
                    reply ->
                        BatchReplies.split(
                            url,
                            bodies.size(),
                            reply.results(),
                            ShardReadBatchResponse.Result::status,
                            ShardReadBatchResponse.Result::message,
                            ShardReadBatchResponse.Result::response));
          }
        };
    return new Coalescer<>(
        transport,
        settings.maxBatch(),
        window,
        new BatchSupport(Coalescer.FORGET_REFUSAL_NANOS),
        System::nanoTime,
        CoalescedWrites.batchItems(meters, "read"));
  }

  /** Binds outgoing connections to one local address. */
  private record BindTo(InetSocketAddress address) implements NettyClientCustomizer {
    @Override
    public NettyClientCustomizer specializeForBootstrap(Bootstrap bootstrap) {
      bootstrap.localAddress(address);
      return this;
    }
  }

  /**
   * {@code POST /read} of {@code [low, high]}. {@code primary}: only the current primary holding
   * its lease may answer; {@code minEpoch}/{@code minLsn}: only a replica whose in-sync log holds
   * that entry (an epoch of 0 or null sends the LSN alone).
   */
  public Mono<ShardReadResponse> read(
      String url,
      String shard,
      String keyName,
      Object low,
      Object high,
      boolean primary,
      Long minEpoch,
      Long minLsn) {
    return read(
        url,
        shard,
        null,
        keyName,
        low,
        high,
        primary ? ReadConsistency.PRIMARY : ReadConsistency.ANY,
        minEpoch,
        minLsn,
        null,
        0,
        null,
        false);
  }

  /**
   * As above, with the point ranges the router's layout says the shard owns ({@code owned}, the
   * {@link ShardEndpoints#OWNED_HEADER} value; null: not sent), a {@code filter} the shard-server
   * applies before paging (null: none) and, with {@code count}, asking how many rows match instead
   * of the rows.
   */
  @Override
  public Mono<ShardReadResponse> read(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      LogPosition floor,
      long maxStalenessMs,
      ReadFilter filter,
      boolean count) {
    return readOf(
        url,
        shard,
        owned,
        keyName,
        low,
        high,
        consistency,
        minEpoch,
        minLsn,
        floor,
        maxStalenessMs,
        filter,
        count,
        null);
  }

  /**
   * As above, of table {@code table} (null: the first table, no {@code "table"} field, through the
   * method above, so a subclass that answers the first table's reads still does).
   */
  @Override
  public Mono<ShardReadResponse> read(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      LogPosition floor,
      long maxStalenessMs,
      ReadFilter filter,
      boolean count,
      String table) {
    if (table == null) {
      return read(
          url,
          shard,
          owned,
          keyName,
          low,
          high,
          consistency,
          minEpoch,
          minLsn,
          floor,
          maxStalenessMs,
          filter,
          count);
    }
    return readOf(
        url,
        shard,
        owned,
        keyName,
        low,
        high,
        consistency,
        minEpoch,
        minLsn,
        floor,
        maxStalenessMs,
        filter,
        count,
        table);
  }

  private Mono<ShardReadResponse> readOf(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      LogPosition floor,
      long maxStalenessMs,
      ReadFilter filter,
      boolean count,
      String table) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    if (table != null) {
      body.put("table", table);
    }
    putBounds(body, keyName, low, high);
    // "session" too (since 2026-11-25): a session with no entry for this shard is then served
    // only by a replica in sync with the primary. Older shard-servers accept and ignore it.
    if (consistency != ReadConsistency.ANY) {
      body.put("consistency", consistency.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (consistency == ReadConsistency.BOUNDED) {
      body.put("maxStalenessMs", maxStalenessMs);
    }
    if (minLsn != null && minLsn > 0) {
      body.put("minLsn", minLsn);
      if (minEpoch != null && minEpoch > 0) {
        body.put("minEpoch", minEpoch);
      }
    }
    // The shard's session floor (since 2026-11-29): a replica whose log does not reach it refuses
    // the read (409). Older shard-servers ignore the fields.
    if (consistency == ReadConsistency.SESSION && floor != null) {
      body.put("floorEpoch", floor.epoch());
      body.put("floorLsn", floor.lsn());
    }
    if (filter != null) {
      body.put("filter", filter.toWire());
    }
    if (count) {
      body.put("count", true);
    }
    // Point reads only: their replies are one row at most, so a batch of them stays small.
    if (reads != null && filter == null && !count && low != null && low.equals(high)) {
      return Mono.deferContextual(context -> reads.call(url, owned, stamped(body, context, count)));
    }
    // A read of a SQL statement carries the time its deadline leaves (ReadDeadline), so the
    // shard-server stops its SQL when the router stops waiting; none left: nothing is asked.
    return Mono.deferContextual(
        context -> {
          OptionalLong left = ReadDeadline.millisLeft(context, System.nanoTime());
          Map<String, Object> asked = stamped(body, context, count);
          if (left.isEmpty()) {
            return readOne(url, owned, asked);
          }
          if (left.getAsLong() < 1) {
            return Mono.error(
                new ShardServerException(
                    url,
                    ShardEndpoints.DEADLINE_PASSED,
                    "the statement's deadline passed before shard " + shard + " was asked"));
          }
          Map<String, Object> bounded = new LinkedHashMap<>(asked);
          bounded.put(ShardEndpoints.TIMEOUT_FIELD, left.getAsLong());
          return readOne(url, owned, bounded);
        });
  }

  /**
   * {@code body} asking for each row's global timestamp when the read's {@code context} wants them
   * ({@link ReadTimestamps}; never for a count); else {@code body}.
   */
  private static Map<String, Object> stamped(
      Map<String, Object> body, reactor.util.context.ContextView context, boolean count) {
    if (count || !ReadTimestamps.asked(context)) {
      return body;
    }
    Map<String, Object> out = new LinkedHashMap<>(body);
    out.put(io.shardeddb.protocol.shard.RowTimestamps.READ_FIELD, true);
    return out;
  }

  private Mono<ShardReadResponse> readOne(String url, String owned, Map<String, Object> body) {
    return exchange(
        url,
        DataFrames.READ,
        owned,
        body,
        ShardReadResponse.class,
        () ->
            call(
                url, owned(HttpRequest.POST(url + "/read", body), owned), ShardReadResponse.class));
  }

  /**
   * {@code POST /write} of one shard's rows; {@code owned} as for {@link #read}. While another
   * write to the same replica is in flight, it waits and goes with the others in one {@code
   * /write/batch}; its outcome is the one {@code /write} would have given.
   */
  @Override
  public Mono<ShardWriteResponse> write(String url, String owned, ShardWriteRequest request) {
    return writes.write(url, owned, request);
  }

  private Mono<ShardWriteResponse> writeOne(String url, String owned, ShardWriteRequest request) {
    return exchange(
        url,
        DataFrames.WRITE,
        owned,
        request,
        ShardWriteResponse.class,
        () ->
            call(
                url,
                owned(HttpRequest.POST(url + "/write", request), owned),
                ShardWriteResponse.class));
  }

  /** Writes to {@code url} waiting to be sent in a batch (tests watch the queue fill). */
  int waitingWrites(String url) {
    return writes.waiting(url);
  }

  /** {@code PUT /update} of the row with {@code key}; {@code owned} as for {@link #read}. */
  @Override
  public Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp) {
    return updateOf(url, shard, owned, keyName, key, row, requestId, timestamp, null);
  }

  /**
   * As above, of a row of table {@code table} (null: the first, no {@code "table"} field, through
   * the method above).
   */
  @Override
  public Mono<ShardWriteResponse> update(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp,
      String table) {
    return table == null
        ? update(url, shard, owned, keyName, key, row, requestId, timestamp)
        : updateOf(url, shard, owned, keyName, key, row, requestId, timestamp, table);
  }

  private Mono<ShardWriteResponse> updateOf(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      Map<String, Object> row,
      String requestId,
      long timestamp,
      String table) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    if (table != null) {
      body.put("table", table);
    }
    body.put(keyName, key);
    body.put("data", row);
    body.put("requestId", requestId);
    if (timestamp > 0) {
      body.put("timestamp", timestamp);
    }
    return exchange(
        url,
        DataFrames.UPDATE,
        owned,
        body,
        ShardWriteResponse.class,
        () ->
            call(
                url,
                owned(HttpRequest.PUT(url + "/update", body), owned),
                ShardWriteResponse.class));
  }

  /** {@code DELETE /del} of the row with {@code key}; {@code owned} as for {@link #read}. */
  @Override
  public Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp) {
    return deleteOf(url, shard, owned, keyName, key, requestId, timestamp, null);
  }

  /**
   * As above, of a row of table {@code table} (null: the first, no {@code "table"} field, through
   * the method above).
   */
  @Override
  public Mono<ShardWriteResponse> delete(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp,
      String table) {
    return table == null
        ? delete(url, shard, owned, keyName, key, requestId, timestamp)
        : deleteOf(url, shard, owned, keyName, key, requestId, timestamp, table);
  }

  private Mono<ShardWriteResponse> deleteOf(
      String url,
      String shard,
      String owned,
      String keyName,
      Object key,
      String requestId,
      long timestamp,
      String table) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    if (table != null) {
      body.put("table", table);
    }
    body.put(keyName, key);
    body.put("requestId", requestId);
    if (timestamp > 0) {
      body.put("timestamp", timestamp);
    }
    return exchange(
        url,
        DataFrames.DELETE,
        owned,
        body,
        ShardWriteResponse.class,
        () ->
            call(
                url,
                owned(HttpRequest.DELETE(url + "/del", body), owned),
                ShardWriteResponse.class));
  }

  /**
   * {@code POST /timestamps} on the timestamp oracle's shard primary (DESIGN §11): {@code count}
   * consecutive slots; over the data stream when the router has one to that shard-server.
   */
  public Mono<io.shardeddb.protocol.time.TimestampResponse> timestamps(String url, int count) {
    io.shardeddb.protocol.time.TimestampRequest request =
        new io.shardeddb.protocol.time.TimestampRequest(count);
    return exchange(
        url,
        DataFrames.TIMESTAMPS,
        null,
        request,
        io.shardeddb.protocol.time.TimestampResponse.class,
        () ->
            call(
                url,
                HttpRequest.POST(url + ShardEndpoints.TIMESTAMPS, request),
                io.shardeddb.protocol.time.TimestampResponse.class));
  }

  /** {@code POST /txn}: one transaction's steps; {@code owned} as for {@link #read}. */
  @Override
  public Mono<ShardWriteResponse> txn(String url, String owned, ShardTxnRequest request) {
    return exchange(
        url,
        DataFrames.TXN,
        owned,
        request,
        ShardWriteResponse.class,
        () ->
            call(
                url,
                owned(HttpRequest.POST(url + ShardEndpoints.TXN, request), owned),
                ShardWriteResponse.class));
  }

  /**
   * Adds the {@link ShardEndpoints#OWNED_HEADER} a shard-server checks its ownership against (it
   * answers {@link ShardEndpoints#NOT_OWNED} when the router's layout is not its own).
   */
  private static MutableHttpRequest<?> owned(MutableHttpRequest<?> request, String owned) {
    if (owned != null) {
      request.header(ShardEndpoints.OWNED_HEADER, owned);
    }
    return request;
  }

  /**
   * {@code POST /read/explain} over HTTP (never the data stream: a plan is asked once per shard,
   * for an {@code EXPLAIN}), with the body {@link #read} would send, no consistency fields.
   */
  /**
   * A read's key bounds: {@code {"low": .., "high": ..}}; a null bound (a String-keyed table's
   * unbounded side) is left out, and with neither the key field is (every key).
   */
  private static void putBounds(Map<String, Object> body, String keyName, Object low, Object high) {
    if (low == null && high == null) {
      return;
    }
    Map<String, Object> bounds = new LinkedHashMap<>();
    if (low != null) {
      bounds.put("low", low);
    }
    if (high != null) {
      bounds.put("high", high);
    }
    body.put(keyName, bounds);
  }

  @Override
  public Mono<ShardExplainResponse> explain(
      String url,
      String shard,
      String owned,
      String keyName,
      Object low,
      Object high,
      ReadFilter filter,
      boolean count,
      String table) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    if (table != null) {
      body.put("table", table);
    }
    putBounds(body, keyName, low, high);
    if (filter != null) {
      body.put("filter", filter.toWire());
    }
    if (count) {
      body.put("count", true);
    }
    return call(
        url,
        owned(HttpRequest.POST(url + ShardEndpoints.READ_EXPLAIN, body), owned),
        ShardExplainResponse.class);
  }

  /** {@code GET /heartbeat}. */
  @Override
  public Mono<Heartbeat> heartbeat(String url) {
    return call(url, HttpRequest.GET(url + "/heartbeat"), Heartbeat.class);
  }

  /** {@code POST /config}: the schema and the shard this replica holds. */
  public Mono<String> config(String url, ShardConfigRequest request) {
    return call(url, HttpRequest.POST(url + "/config", request), String.class);
  }

  /**
   * {@code POST /fence}: the replica persists the epoch, steps down if primary, and answers how far
   * its log goes; 409 when it has seen a higher epoch.
   */
  public Mono<FenceResponse> fence(String url, FenceRequest request) {
    return call(url, HttpRequest.POST(url + "/fence", request), FenceResponse.class);
  }

  /** {@code POST /role}: this replica's role for an epoch. */
  public Mono<String> role(String url, RoleRequest request) {
    return call(url, HttpRequest.POST(url + "/role", request), String.class);
  }

  private <T> Mono<T> call(String url, MutableHttpRequest<?> request, Class<T> type) {
    String authorization = credentials.get().authorization();
    if (authorization != null) {
      request.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    return Mono.from(http.retrieve(request, Argument.of(type), ERROR))
        .onErrorMap(e -> !(e instanceof ShardServerException), e -> translate(url, e));
  }

  private static ShardServerException translate(String url, Throwable e) {
    if (e instanceof HttpClientResponseException r) {
      String message =
          r.getResponse()
              .getBody(MessageResponse.class)
              .map(MessageResponse::message)
              .orElse(r.getMessage());
      return new ShardServerException(url, r.getStatus().getCode(), message);
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new ShardServerException(
        url, ShardServerException.UNREACHABLE, "shard-server " + url + " unreachable: " + detail);
  }
}
