package io.shardeddb.router.shard;

import io.micronaut.core.type.Argument;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.shardeddb.protocol.client.Backoff;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.stream.Frames;
import io.shardeddb.protocol.stream.StreamClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The router's data stream to shard-servers ({@code shardeddb.router.shard-transport=stream};
 * docs/router.md, "Data stream"): one long-lived connection per shard-server URL, on the port the
 * server offers at {@code GET /data/stream}, with a hello naming the data channel and carrying the
 * credential (checked once per connection; with TLS on the router's certificate is the client
 * identity, the server must present the pod the topology names at that URL). Calls carry ids and
 * many are in flight at once; answers are matched by id in any order. The hello asks for typed
 * bodies (issue 48): once a server grants them in its welcome, the hot calls go typed with no JSON;
 * an older server grants none and gets every call as JSON, as before ({@link StreamCalls}).
 *
 * <p>An adapter only: {@link #call} answers {@code null} while no connection is up (not yet made,
 * refused, or an older server), and the caller then makes the HTTP call instead; a connection is
 * made in the background meanwhile. A server that does not offer the stream or refuses the hello is
 * left on HTTP for {@link #NO_STREAM_RETRY_NANOS} (one unreachable for a second), each spread by
 * jitter. Every call has the HTTP client's read deadline: a call that misses it fails as {@link
 * ShardServerException#UNREACHABLE} (as an HTTP read timeout does), and when nothing at all was
 * read on the connection since it was sent, the server is taken as hung and the connection closed.
 * A closed connection fails every call on it as unreachable (the router's retry rules then apply,
 * with the same request ids), and the next call goes over HTTP while a new connection is made. The
 * frames and the connection set-up are the protocol's ({@link DataFrames}, {@link Frames}, {@link
 * StreamClient}), shared with the shard-server's streams.
 */
final class ShardStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShardStream.class);
  static final long NO_STREAM_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long PING_MILLIS = 5_000;
  private static final long UNREACHABLE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How long calls stay on HTTP after a failed connection planned to last {@code nanos}: between
   * half of it and all of it, by {@code random} in [0, 1) ({@link Backoff}'s equal jitter).
   */
  static long spread(long nanos, double random) {
    Duration window = Duration.ofNanos(nanos);
    return Backoff.exponential(window, window, Backoff.Jitter.EQUAL).delay(0, random).toNanos();
  }

  /** The HTTP side the stream needs: asking a server where it offers the stream. */
  interface Offers {
    Mono<DataStreamOffer> offer(String url);
  }

  private final Offers offers;
  private final Supplier<String> authorization;
  private final Function<String, SSLContext> tls;
  private final String localAddress;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final StreamCalls calls;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final AtomicLong streamed = new AtomicLong();
  private final StreamClient client = new StreamClient();
  private volatile boolean closed;

  /**
   * {@code tls}: the client TLS context for a URL (null: plain TCP, as the HTTP calls are plain);
   * {@code calls}: how calls are written and answers read (typed bodies asked for or not).
   */
  ShardStream(
      Offers offers,
      Supplier<String> authorization,
      Function<String, SSLContext> tls,
      String localAddress,
      Duration connectTimeout,
      Duration requestTimeout,
      StreamCalls calls) {
    this.offers = offers;
    this.authorization = authorization;
    this.tls = tls;
    this.localAddress = localAddress == null || localAddress.isBlank() ? null : localAddress;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.calls = calls;
  }

  /**
   * {@code op} with {@code body} (what its HTTP endpoint's JSON is made of: the request record, or
   * the map of a {@code /read}) and {@code owned} to {@code url} over the stream — typed when the
   * server granted it and the op has a typed body, else as its JSON — the answer decoded as {@code
   * type}; {@code null} when no connection to {@code url} is up (the caller calls over HTTP; a
   * connection is being made).
   */
  <T> Mono<T> call(String url, byte op, String owned, Object body, Argument<T> type) {
    if (closed) {
      return null;
    }
    Link link = links.computeIfAbsent(url, Link::new);
    Channel ch = link.ready();
    if (ch == null) {
      return null;
    }
    return Mono.create(sink -> link.send(ch, op, owned, body, type, sink));
  }

  /** Starts connecting to {@code url} unless connected, connecting or backing off. */
  void warm(String url) {
    if (!closed) {
      links.computeIfAbsent(url, Link::new).ready();
    }
  }

  /** Whether a connection to {@code url} is up (tests). */
  boolean connected(String url) {
    Link link = links.get(url);
    return link != null && link.channel != null && link.channel.isActive();
  }

  /** Calls answered over the stream since start (tests). */
  long streamed() {
    return streamed.get();
  }

  /** One waiting call: how to complete it and how to decode its answer. */
  private record Waiting(MonoSink<Object> sink, Argument<?> type, long sentNanos, byte op) {}

  /** The connection to one shard-server (by its URL) and the calls in flight on it. */
  private final class Link {
    private final String url;
    private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Channel channel;
    private volatile long lastReadNanos = System.nanoTime();
    private boolean connecting;
    private long httpUntilNanos;
    private boolean httpUntilSet;

    Link(String url) {
      this.url = url;
    }

    /** The welcomed channel, or null (then a connection is started unless one is under way). */
    Channel ready() {
      Channel ch = channel;
      if (ch != null && ch.isActive()) {
        return ch;
      }
      synchronized (this) {
        if (connecting || closed) {
          return null;
        }
        if (httpUntilSet && System.nanoTime() - httpUntilNanos < 0) {
          return null;
        }
        httpUntilSet = false;
        connecting = true;
      }
      connect();
      return null;
    }

    private void connect() {
      offers
          .offer(url)
          .subscribe(
              offer -> open(offer.port()),
              e -> {
                int status = e instanceof ShardServerException s ? s.status() : -1;
                if (status == ShardServerException.UNREACHABLE) {
                  // Unreachable over HTTP too: nothing to learn; try again a second later.
                  backOff(UNREACHABLE_RETRY_NANOS, null);
                } else {
                  backOff(
                      NO_STREAM_RETRY_NANOS,
                      url + " does not offer the data stream (" + e.getMessage() + ")");
                }
              });
    }

    private void httpFor(String why) {
      backOff(NO_STREAM_RETRY_NANOS, why);
    }

    /**
     * Calls go over HTTP for {@code nanos}, spread by equal jitter to between half of it and all of
     * it ({@link Backoff}), so routers that lost a shard-server together do not all reconnect to it
     * in the same instant (logged with {@code why} unless null).
     */
    private void backOff(long nanos, String why) {
      nanos = spread(nanos, ThreadLocalRandom.current().nextDouble());
      synchronized (this) {
        connecting = false;
        httpUntilSet = true;
        httpUntilNanos = System.nanoTime() + nanos;
      }
      if (why != null) {
        LOG.info("{}: data calls to it over HTTP for {} ms", why, nanos / 1_000_000L);
      }
    }

    private void open(int port) {
      URI uri = URI.create(url);
      String host = uri.getHost();
      int httpPort = uri.getPort();
      SSLContext ssl = tls == null ? null : tls.apply(url);
      if (ssl == null && "https".equalsIgnoreCase(uri.getScheme())) {
        httpFor(url + " is HTTPS but the router has no TLS material for its data stream");
        return;
      }
      // Made with the URL's host and port: the pod the topology names there is expected
      // (ShardPodNames), as on the HTTP calls to the same pod.
      StreamClient.TlsPeer peerTls =
          ssl == null ? null : new StreamClient.TlsPeer(ssl, host, httpPort);
      ChannelFuture connected =
          client.connect(host, port, localAddress, connectTimeout, peerTls, new Answers());
      Channel ch = connected.channel();
      ch.closeFuture().addListener(f -> lost(ch));
      connected.addListener(
          f -> {
            if (!f.isSuccess()) {
              backOff(
                  NO_STREAM_RETRY_NANOS,
                  "data stream to " + url + " port " + port + " not connected (" + f.cause() + ")");
              return;
            }
            ch.writeAndFlush(calls.hello(ch.alloc(), authorization.get()));
          });
      // The hello's answer is bounded like a call.
      ch.eventLoop()
          .schedule(
              () -> {
                if (channel != ch && ch.isActive()) {
                  LOG.info("no data stream hello answer from {} in time: closing", url);
                  ch.close();
                }
              },
              connectTimeout.toMillis() + requestTimeout.toMillis(),
              TimeUnit.MILLISECONDS);
    }

    private void welcomed(Channel ch, boolean typed) {
      lastReadNanos = System.nanoTime();
      channel = ch;
      synchronized (this) {
        connecting = false;
      }
      ScheduledFuture<?> pings =
          ch.eventLoop()
              .scheduleAtFixedRate(
                  () -> {
                    if (ch.isActive()) {
                      ch.writeAndFlush(Frames.signal(ch.alloc(), DataFrames.PING, 0));
                    }
                  },
                  PING_MILLIS,
                  PING_MILLIS,
                  TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> pings.cancel(false));
      LOG.info("data stream to {} open ({} bodies)", url, typed ? "typed" : "JSON");
    }

    @SuppressWarnings("unchecked")
    <T> void send(
        Channel ch, byte op, String owned, Object body, Argument<T> type, MonoSink<T> sink) {
      long id = ids.incrementAndGet();
      ByteBuf frame;
      try {
        frame = calls.call(ch, id, op, owned, body);
      } catch (IOException | RuntimeException e) {
        sink.error(
            new ShardServerException(
                url, ShardServerException.UNREACHABLE, "could not encode the call: " + e));
        return;
      }
      long sent = System.nanoTime();
      Waiting w = new Waiting((MonoSink<Object>) (MonoSink<?>) sink, type, sent, op);
      waiting.put(id, w);
      sink.onCancel(() -> waiting.remove(id, w));
      ch.writeAndFlush(frame)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  fail(id, "stream write failed: " + f.cause());
                }
              });
      ScheduledFuture<?> deadline =
          ch.eventLoop()
              .schedule(
                  () -> {
                    if (waiting.containsKey(id)) {
                      fail(id, "no answer within " + requestTimeout.toMillis() + " ms (timed out)");
                      if (lastReadNanos - sent < 0) {
                        LOG.warn("{} read nothing on the data stream in time: closing it", url);
                        ch.close();
                      }
                    }
                  },
                  requestTimeout.toMillis(),
                  TimeUnit.MILLISECONDS);
      sink.onDispose(() -> deadline.cancel(false));
    }

    private void fail(long id, String why) {
      Waiting w = waiting.remove(id);
      if (w != null) {
        w.sink()
            .error(
                new ShardServerException(
                    url,
                    ShardServerException.UNREACHABLE,
                    "shard-server " + url + " unreachable: " + why));
      }
    }

    /** The connection closed: every call on it fails as unreachable; the next call reconnects. */
    private void lost(Channel ch) {
      boolean wasUp = channel == ch;
      if (wasUp) {
        channel = null;
      }
      synchronized (this) {
        if (!wasUp) {
          connecting = false;
        }
      }
      if (wasUp) {
        for (Long id : waiting.keySet()) {
          fail(id, "data stream closed");
        }
        LOG.info("data stream to {} closed", url);
      }
    }

    /** The client's inbound handler: the welcome, then answers matched by id. */
    private final class Answers extends SimpleChannelInboundHandler<ByteBuf> {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        lastReadNanos = System.nanoTime();
        byte type = frame.readByte();
        long id = frame.readLong();
        switch (type) {
          case DataFrames.WELCOME -> {
            welcomed(ctx.channel(), calls.welcomed(ctx.channel(), frame));
          }
          case DataFrames.PONG -> {}
          case DataFrames.ANSWER, DataFrames.TYPED_ANSWER -> {
            Waiting w = waiting.remove(id);
            if (w == null) {
              return;
            }
            Object value;
            try {
              value = calls.answer(type, frame, w.op(), w.type());
            } catch (IOException | RuntimeException e) {
              w.sink().error(new ShardServerException(url, 502, "malformed answer: " + e));
              return;
            }
            streamed.incrementAndGet();
            w.sink().success(value);
          }
          case DataFrames.REFUSED -> {
            Frames.Refusal refusal = Frames.readRefusal(frame);
            int status = refusal.status();
            String message = refusal.message();
            if (id == 0) {
              // The hello was refused: this server takes no data stream from this router.
              httpFor(url + " refused the data stream hello (" + status + " " + message + ")");
              ctx.close();
              return;
            }
            Waiting w = waiting.remove(id);
            if (w != null) {
              w.sink()
                  .error(
                      new ShardServerException(
                          url,
                          status,
                          message != null
                              ? message
                              : "shard-server " + url + " answered " + status));
            }
          }
          default -> {
            LOG.warn("unexpected frame type {} from {}: closing the data stream", type, url);
            ctx.close();
          }
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("data stream to {} failed: {}", url, cause.toString());
        if (channel != ctx.channel()) {
          // Before the welcome (handshake refused, reset): a refusal of this router's identity
          // looks like this, so stay on HTTP for a while.
          httpFor(url + " data stream handshake failed (" + cause + ")");
        }
        ctx.close();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    client.close();
  }
}
