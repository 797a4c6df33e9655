package io.shardeddb.shardserver.replication.stream;

import io.micronaut.context.annotation.Primary;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.shard.LogResponse;
import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.stream.Frames;
import io.shardeddb.protocol.stream.StreamClient;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.replication.PeerClient;
import io.shardeddb.shardserver.replication.PeerRefusal;
import io.shardeddb.shardserver.replication.PeerTransport;
import io.shardeddb.shardserver.replication.SnapshotStream;
import io.shardeddb.shardserver.trace.ShardTracing;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PeerTransport} a shard-server uses: {@code replicate} over the binary replication
 * stream when {@code shardeddb.replication.stream} is on and the secondary offers it, HTTP ({@link
 * PeerClient}) otherwise; {@code /log} and {@code /snapshot} always over HTTP.
 *
 * <p>One long-lived connection per secondary, opened on first use: ask the secondary where it
 * offers the stream ({@code GET /replicate/stream} over HTTP, with this server's identity; 404 →
 * HTTP for a minute), connect (connect deadline; from the configured local address), TLS with this
 * server's certificate (the secondary must hold a shard-server certificate, and requires ours),
 * then a hello with the shard credential, checked once for the connection. Requests carry
 * correlation ids and are answered in order. Every request has the request deadline (rule 10): a
 * secondary that misses it is taken as hung and the connection is closed; a closed connection fails
 * every request in flight on it (the peer is lost, rule 5), and the next request connects again.
 */
@Singleton
@Primary
public class StreamPeerTransport implements PeerTransport, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamPeerTransport.class);
  private static final long NO_STREAM_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final PeerClient http;
  private final ReplicationSettings settings;
  private final CredentialSource credentials;
  private final TlsFactory.ServerTls tls;
  private final ReplicateCodec codec;
  private final ShardTracing tracing;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final AtomicLong streamedAnswers = new AtomicLong();
  private final AtomicLong httpRequests = new AtomicLong();
  private final StreamClient client = new StreamClient();
  private volatile boolean closed;

  public StreamPeerTransport(
      PeerClient http,
      ReplicationSettings settings,
      CredentialSource credentials,
      TlsFactory.ServerTls tls,
      JsonMapper json,
      ShardTracing tracing) {
    this.tracing = tracing;
    this.http = http;
    this.settings = settings;
    this.credentials = credentials;
    this.tls = tls;
    this.codec = new ReplicateCodec(json);
  }

  /**
   * Sends {@code request}, naming the write span of each entry that came from a traced write
   * (docs/monitoring.md, "Traces"), over the stream or HTTP alike.
   */
  @Override
  public CompletableFuture<ReplicateResponse> replicate(Peer peer, ReplicateRequest untraced) {
    ReplicateRequest request = tracing.withTraces(untraced);
    if (!settings.stream() || closed) {
      return overHttp(peer, request);
    }
    return links.computeIfAbsent(peer.url(), Link::new).replicate(peer, request);
  }

  private CompletableFuture<ReplicateResponse> overHttp(Peer peer, ReplicateRequest request) {
    httpRequests.incrementAndGet();
    return http.replicate(peer, request);
  }

  /** Replicate requests answered over the stream since start. */
  public long streamedAnswers() {
    return streamedAnswers.get();
  }

  /** Replicate requests sent over HTTP since start. */
  public long httpRequests() {
    return httpRequests.get();
  }

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
    return http.log(url, fromLsn, prevEpoch, replica, limit, primary, epoch);
  }

  @Override
  public SnapshotStream snapshot(String url, String primary, long epoch)
      throws IOException, InterruptedException {
    return http.snapshot(url, primary, epoch);
  }

  /** The connection to one secondary (by its URL) and the requests in flight on it. */
  private final class Link {
    private final String url;
    private final Map<Long, CompletableFuture<ReplicateResponse>> waiting =
        new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private CompletableFuture<Channel> connection;
    private boolean httpOnly;
    private long httpUntilNanos;

    Link(String url) {
      this.url = url;
    }

    CompletableFuture<ReplicateResponse> replicate(Peer peer, ReplicateRequest request) {
      CompletableFuture<Channel> c;
      synchronized (this) {
        if (httpOnly && System.nanoTime() - httpUntilNanos < 0) {
          return overHttp(peer, request);
        }
        c = connection;
        if (c == null
            || c.isCompletedExceptionally()
            || (c.isDone() && (c.join() == null || !c.join().isActive()))) {
          c = connect();
          connection = c;
        }
      }
      return c.thenCompose(ch -> ch == null ? overHttp(peer, request) : send(ch, request));
    }

    private CompletableFuture<Channel> connect() {
      return http.streamPort(url)
          .thenCompose(
              port -> {
                if (port < 0) {
                  synchronized (this) {
                    httpOnly = true;
                    httpUntilNanos = System.nanoTime() + NO_STREAM_RETRY_NANOS;
                  }
                  LOG.info("{} does not offer the replication stream: /replicate over HTTP", url);
                  return CompletableFuture.completedFuture(null);
                }
                // The stream's address is the same pod's: expected under the same name.
                tls.pods().expectStream(url, port);
                return open(URI.create(url).getHost(), port);
              });
    }

    private CompletableFuture<Channel> open(String host, int port) {
      CompletableFuture<Channel> welcomed = new CompletableFuture<>();
      // Made with the peer's host and port: the pod expected there is looked up by them.
      StreamClient.TlsPeer peerTls =
          tls.enabled() ? new StreamClient.TlsPeer(tls.peerContext(), host, port) : null;
      ChannelFuture connected =
          client.connect(
              host,
              port,
              settings.localAddress(),
              settings.connectTimeout(),
              peerTls,
              new Answers(welcomed));
      Channel ch = connected.channel();
      ch.closeFuture().addListener(f -> lost(ch, welcomed));
      connected.addListener(
          f -> {
            if (!f.isSuccess()) {
              welcomed.completeExceptionally(f.cause());
              return;
            }
            ch.writeAndFlush(
                Frames.hello(
                    ch.alloc(), Frames.KIND_REPLICATION, credentials.get().authorization()));
          });
      // The hello's answer is bounded like any request (rule 10).
      ScheduledFuture<?> deadline =
          ch.eventLoop()
              .schedule(
                  () -> {
                    if (welcomed.completeExceptionally(
                        new IOException("no stream hello answer from " + url + " in time"))) {
                      ch.close();
                    }
                  },
                  settings.connectTimeout().toMillis() + settings.requestTimeout().toMillis(),
                  TimeUnit.MILLISECONDS);
      welcomed.whenComplete((c, e) -> deadline.cancel(false));
      return welcomed;
    }

    private CompletableFuture<ReplicateResponse> send(Channel ch, ReplicateRequest request) {
      long id = ids.incrementAndGet();
      CompletableFuture<ReplicateResponse> answer = new CompletableFuture<>();
      waiting.put(id, answer);
      ByteBuf frame = ch.alloc().buffer(256);
      try {
        frame.writeByte(ReplicateCodec.REPLICATE).writeLong(id);
        codec.writeRequest(frame, request);
      } catch (RuntimeException e) {
        frame.release();
        waiting.remove(id);
        return CompletableFuture.failedFuture(e);
      }
      ch.writeAndFlush(frame)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  fail(
                      id, new IOException("stream to " + url + " failed: " + f.cause(), f.cause()));
                }
              });
      // Answers come in order: one missing past the deadline means the secondary hangs; the
      // connection is dropped, which fails every request on it (rule 10, then rule 5).
      ScheduledFuture<?> deadline =
          ch.eventLoop()
              .schedule(
                  () -> {
                    if (waiting.containsKey(id)) {
                      LOG.warn("{} did not answer a replicate frame in time: reconnecting", url);
                      fail(id, new IOException("no answer from " + url + " within the deadline"));
                      ch.close();
                    }
                  },
                  settings.requestTimeout().toMillis(),
                  TimeUnit.MILLISECONDS);
      answer.whenComplete((r, e) -> deadline.cancel(false));
      return answer;
    }

    private void fail(long id, Throwable cause) {
      CompletableFuture<ReplicateResponse> f = waiting.remove(id);
      if (f != null) {
        f.completeExceptionally(cause);
      }
    }

    /** The connection closed: every request on it fails (peer lost), the next one reconnects. */
    private void lost(Channel ch, CompletableFuture<Channel> welcomed) {
      welcomed.completeExceptionally(new IOException("stream to " + url + " closed"));
      IOException lost = new IOException("replication stream to " + url + " lost");
      for (Long id : waiting.keySet()) {
        fail(id, lost);
      }
      synchronized (this) {
        if (connection == welcomed) {
          connection = null;
        }
      }
    }

    /** The client's inbound handler: the welcome, then answers matched by id. */
    private final class Answers extends SimpleChannelInboundHandler<ByteBuf> {
      private final CompletableFuture<Channel> welcomed;

      Answers(CompletableFuture<Channel> welcomed) {
        this.welcomed = welcomed;
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        byte type = frame.readByte();
        long id = frame.readLong();
        switch (type) {
          case Frames.WELCOME -> welcomed.complete(ctx.channel());
          case ReplicateCodec.REPLICATED -> {
            ReplicateResponse r = ReplicateCodec.readResponse(frame);
            CompletableFuture<ReplicateResponse> f = waiting.remove(id);
            if (f != null) {
              streamedAnswers.incrementAndGet();
              f.complete(r);
            }
          }
          case Frames.REFUSED -> {
            Frames.Refusal r = Frames.readRefusal(frame);
            PeerRefusal refusal = new PeerRefusal(r.status(), r.message(), r.epoch());
            if (id == 0) {
              welcomed.completeExceptionally(refusal);
              ctx.close();
              return;
            }
            CompletableFuture<ReplicateResponse> f = waiting.remove(id);
            if (f != null) {
              // A refusal may fence this primary (409), which waits for a commit: not on the loop.
              Thread.ofVirtual().start(() -> f.completeExceptionally(refusal));
            }
          }
          default -> {
            LOG.warn("unexpected frame type {} from {}: closing the stream", type, url);
            ctx.close();
          }
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("replication stream to {} failed: {}", url, cause.toString());
        welcomed.completeExceptionally(cause);
        ctx.close();
      }
    }
  }

  @PreDestroy
  @Override
  public void close() {
    closed = true;
    client.close();
  }
}
