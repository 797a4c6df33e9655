package io.shardeddb.router.shard;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ReadFilter;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.shard.ShardReadBatchRequest;
import io.shardeddb.protocol.shard.ShardReadBatchResponse;
import io.shardeddb.protocol.shard.ShardReadResponse;
import io.shardeddb.protocol.shard.ShardWriteBatchRequest;
import io.shardeddb.protocol.shard.ShardWriteBatchResponse;
import io.shardeddb.protocol.shard.ShardWriteRequest;
import io.shardeddb.protocol.shard.ShardWriteResponse;
import io.shardeddb.router.config.RouterSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
@Singleton
public class ShardServerClient implements ShardDataCalls, ShardReadCalls {
  private static final Argument<MessageResponse> ERROR = Argument.of(MessageResponse.class);

  private final HttpClient http;
  private final CredentialSource credentials;
  private final CoalescedWrites writes;
  private final Coalescer<Map<String, Object>, ShardReadResponse> reads;

  /**
   * A client whose connections leave from the default address (tests, tools), sending the shard
   * credential from {@code credentials}, coalescing with the default settings.
   */
  public ShardServerClient(HttpClientRegistry<HttpClient> registry, CredentialSource credentials) {
    this.http = registry.getDefaultClient();
    this.credentials = credentials;
    RouterSettings.Coalesce defaults = new RouterSettings.Coalesce(true, 64, 1);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    this.writes = new CoalescedWrites(new HttpWire(), defaults, System::nanoTime, meters);
    this.reads = readCoalescer(defaults, meters);
  }

  /**
   * The router's client. The shard credential comes from {@code shardeddb.router.shard-auth}:
   * {@code credentials-dir} (env {@code SHARDEDDB_ROUTER_SHARD_AUTH_DIR}, the mounted Secret whose
   * file {@code token} is sent, read again as it changes) or {@code token}; with neither, calls
   * carry no credential (shard-servers with auth switched off).
   */
  @Inject
  public ShardServerClient(
      HttpClientRegistry<HttpClient> registry,
      NettyClientCustomizer.Registry customizers,
      RouterSettings settings,
      MeterRegistry meters) {
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
    this.writes =
        new CoalescedWrites(new HttpWire(), settings.coalesce(), System::nanoTime, meters);
    this.reads = readCoalescer(settings.coalesce(), meters);
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
      return call(
          url,
          owned(HttpRequest.POST(url + ShardEndpoints.WRITE_BATCH, batch), owned),
          ShardWriteBatchResponse.class);
    }

    @Override
    public Mono<ShardWriteResponse> update(
        String url,
        String shard,
        String owned,
        String keyName,
        long key,
        Map<String, Object> row,
        String requestId) {
      return ShardServerClient.this.update(url, shard, owned, keyName, key, row, requestId);
    }

    @Override
    public Mono<ShardWriteResponse> delete(
        String url, String shard, String owned, String keyName, long key, String requestId) {
      return ShardServerClient.this.delete(url, shard, owned, keyName, key, requestId);
    }
  }

  private Coalescer<Map<String, Object>, ShardReadResponse> readCoalescer(
      RouterSettings.Coalesce settings, MeterRegistry meters) {
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
            return call(
                    url,
                    owned(
                        HttpRequest.POST(
                            url + ShardEndpoints.READ_BATCH, new ShardReadBatchRequest(bodies)),
                        owned),
                    ShardReadBatchResponse.class)
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
        settings.maxInFlight(),
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
      long low,
      long high,
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
      long low,
      long high,
      ReadConsistency consistency,
      Long minEpoch,
      Long minLsn,
      ReadFilter filter,
      boolean count) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    body.put(keyName, Map.of("low", low, "high", high));
    // "session" too (since 2026-11-25): a session with no entry for this shard is then served
    // only by a replica in sync with the primary. Older shard-servers accept and ignore it.
    if (consistency != ReadConsistency.ANY) {
      body.put("consistency", consistency.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (minLsn != null && minLsn > 0) {
      body.put("minLsn", minLsn);
      if (minEpoch != null && minEpoch > 0) {
        body.put("minEpoch", minEpoch);
      }
    }
    if (filter != null) {
      body.put("filter", filter.toWire());
    }
    if (count) {
      body.put("count", true);
    }
    // Point reads only: their replies are one row at most, so a batch of them stays small.
    if (reads != null && filter == null && !count && low == high) {
      return reads.call(url, owned, body);
    }
    return readOne(url, owned, body);
  }

  private Mono<ShardReadResponse> readOne(String url, String owned, Map<String, Object> body) {
    return call(url, owned(HttpRequest.POST(url + "/read", body), owned), ShardReadResponse.class);
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
    return call(
        url, owned(HttpRequest.POST(url + "/write", request), owned), ShardWriteResponse.class);
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
      long key,
      Map<String, Object> row,
      String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    body.put(keyName, key);
    body.put("data", row);
    body.put("requestId", requestId);
    return call(
        url, owned(HttpRequest.PUT(url + "/update", body), owned), ShardWriteResponse.class);
  }

  /** {@code DELETE /del} of the row with {@code key}; {@code owned} as for {@link #read}. */
  @Override
  public Mono<ShardWriteResponse> delete(
      String url, String shard, String owned, String keyName, long key, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("shard", shard);
    body.put(keyName, key);
    body.put("requestId", requestId);
    return call(
        url, owned(HttpRequest.DELETE(url + "/del", body), owned), ShardWriteResponse.class);
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
