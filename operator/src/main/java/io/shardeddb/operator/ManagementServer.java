package io.shardeddb.operator;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus) and {@code /health/liveness|readiness} on one port, on
 * Netty: every connection is a channel of one event loop, never a thread of its own, so clients
 * that stall mid-request (or never send one) cannot keep the kubelet's probe from an answer — and
 * each is closed after {@link #IDLE_SECONDS} without a byte, its request limited to {@link
 * #MAX_REQUEST_BYTES} (the JDK server this replaces answered one exchange at a time on its single
 * dispatcher thread with no request deadline: one stalled client failed the liveness probe).
 */
final class ManagementServer implements AutoCloseable {
  /** A connection that sends nothing for this long is closed. */
  static final int IDLE_SECONDS = 5;

  /** The largest request accepted (these endpoints take no body). */
  static final int MAX_REQUEST_BYTES = 8 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;

  ManagementServer(
      int port, PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
    // A negative port means "any free port on loopback" (tests, local mode).
    InetSocketAddress address =
        port < 0 ? new InetSocketAddress("127.0.0.1", 0) : new InetSocketAddress(port);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Routes routes = new Routes(registry::scrape, live, ready);
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS))
                          .addLast(new HttpServerCodec(4096, 8192, 8192))
                          .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                          .addLast(routes);
                    }
                  })
              .bind(address)
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException(
          "cannot listen on management port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The bound port. */
  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The three endpoints; anything else is 404, anything but GET 405. */
  @io.netty.channel.ChannelHandler.Sharable
  private static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> metrics;
    private final BooleanSupplier live;
    private final BooleanSupplier ready;

    Routes(Supplier<String> metrics, BooleanSupplier live, BooleanSupplier ready) {
      this.metrics = metrics;
      this.live = live;
      this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!req.decoderResult().isSuccess()) {
        send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request", false);
        return;
      }
      String path = req.uri().split("\\?", 2)[0];
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
        send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET only", keepAlive);
        return;
      }
      switch (path) {
        case "/metrics" ->
            send(
                ctx,
                req,
                HttpResponseStatus.OK,
                "text/plain; version=0.0.4",
                metrics.get(),
                keepAlive);
        case "/health/liveness" -> health(ctx, req, live.getAsBoolean(), keepAlive);
        case "/health/readiness" -> health(ctx, req, ready.getAsBoolean(), keepAlive);
        default ->
            send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", "not found", keepAlive);
      }
    }

    private static void health(
        ChannelHandlerContext ctx, FullHttpRequest req, boolean up, boolean keepAlive) {
      send(
          ctx,
          req,
          up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
          "application/json",
          up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}",
          keepAlive);
    }

    private static void send(
        ChannelHandlerContext ctx,
        FullHttpRequest req,
        HttpResponseStatus status,
        String type,
        String body,
        boolean keepAlive) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              HttpMethod.HEAD.equals(req.method())
                  ? Unpooled.EMPTY_BUFFER
                  : Unpooled.wrappedBuffer(bytes));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      HttpUtil.setKeepAlive(res, keepAlive);
      var written = ctx.writeAndFlush(res);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** A client idle past the deadline ({@code ReadTimeoutException}) or gone: close it. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
