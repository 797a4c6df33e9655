package io.shardeddb.protocol.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.shardeddb.protocol.tls.Tls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The client side both stream clients share (the primary's replication stream, the router's data
 * stream): one event-loop thread, made on first use, and connections set up alike — TCP_NODELAY,
 * the connect deadline, from a given local address when set, TLS as a client when a context is
 * given, then the length framing of {@link Frames} and the caller's handler.
 */
public final class StreamClient implements AutoCloseable {
  private volatile EventLoopGroup group;

  /** What a connection is made with: the TLS context ({@code null}: plain TCP) and its peer. */
  public record TlsPeer(SSLContext context, String peerHost, int peerPort) {}

  /**
   * Connects to {@code host:port} (from {@code localAddress}, when not blank, on an ephemeral port)
   * within {@code connectTimeout}; {@code tls}: the engine is made with its peer host and port, by
   * which the context's trust decides which pod is expected there.
   */
  public ChannelFuture connect(
      String host,
      int port,
      String localAddress,
      Duration connectTimeout,
      TlsPeer tls,
      ChannelHandler handler) {
    Bootstrap b =
        new Bootstrap()
            .group(group())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeout.toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      SSLEngine engine =
                          tls.context().createSSLEngine(tls.peerHost(), tls.peerPort());
                      engine.setUseClientMode(true);
                      engine.setEnabledProtocols(Tls.INTERNAL_PROTOCOLS);
                      ch.pipeline().addLast(new SslHandler(engine));
                    }
                    Frames.addFraming(ch.pipeline()).addLast(handler);
                  }
                });
    return localAddress == null || localAddress.isBlank()
        ? b.connect(host, port)
        : b.connect(
            new InetSocketAddress(host, port), new InetSocketAddress(localAddress.trim(), 0));
  }

  private EventLoopGroup group() {
    EventLoopGroup g = group;
    if (g == null) {
      synchronized (this) {
        if (group == null) {
          group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        g = group;
      }
    }
    return g;
  }

  /** Closes every connection and the event loop (within a second). */
  @Override
  public void close() {
    EventLoopGroup g = group;
    if (g != null) {
      g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
