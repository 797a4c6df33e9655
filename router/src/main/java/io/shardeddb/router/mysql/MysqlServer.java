package io.shardeddb.router.mysql;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.router.auth.RouterTokens;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.config.RouterTlsSettings;
import io.shardeddb.router.routing.RouterMetrics;
import io.shardeddb.router.sql.SqlStatements;
import io.shardeddb.router.topology.TopologyHolder;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's MySQL protocol listener (docs/sql.md, "MySQL protocol"): started with the HTTP
 * server, on its address and {@code shardeddb.router.mysql.port}, on two event loop threads of its
 * own. TLS with the client port's certificate (read again as it is renewed) whenever the client
 * port serves HTTPS, and then required; plain otherwise.
 */
@Singleton
public class MysqlServer implements ApplicationEventListener<ServerStartupEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlServer.class);

  private final RouterSettings settings;
  private final RouterTlsSettings tlsSettings;
  private final SqlStatements statements;
  private final TopologyHolder topology;
  private final RouterTokens tokens;
  private final RouterMetrics metrics;
  private final String host;
  private final java.util.concurrent.atomic.AtomicInteger open =
      new java.util.concurrent.atomic.AtomicInteger();
  private EventLoopGroup group;
  private Channel channel;

  public MysqlServer(
      RouterSettings settings,
      RouterTlsSettings tlsSettings,
      SqlStatements statements,
      TopologyHolder topology,
      RouterTokens tokens,
      RouterMetrics metrics,
      @Value("${micronaut.server.host:}") String host) {
    this.settings = settings;
    this.tlsSettings = tlsSettings;
    this.statements = statements;
    this.topology = topology;
    this.tokens = tokens;
    this.metrics = metrics;
    this.host = host;
  }

  @Override
  public void onApplicationEvent(ServerStartupEvent event) {
    if (settings.mysql().enabled()) {
      start();
    }
  }

  /** Binds the port; a port that cannot be bound stops the router's start. */
  synchronized void start() {
    if (channel != null) {
      return;
    }
    SslContext tls = tlsSettings.serveTls() ? sslContext() : null;
    MysqlFrontEnd front = new MysqlFrontEnd(statements, topology, tokens, settings, metrics, tls);
    group =
        new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory("mysql"), NioIoHandler.newFactory());
    int port = Math.max(0, settings.mysql().port());
    InetSocketAddress address =
        host == null || host.isBlank()
            ? new InetSocketAddress(port)
            : new InetSocketAddress(host, port);
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.closeFuture().addListener(f -> open.decrementAndGet());
                      if (open.incrementAndGet() > settings.mysql().maxConnections()) {
                        ch.pipeline().addLast(new PacketFraming.Encoder());
                        ch.writeAndFlush(
                                new Packet(
                                    0,
                                    new ErrPacket(
                                            1040,
                                            "08004",
                                            "Too many connections"
                                                + " (shardeddb.router.mysql.max-connections)")
                                        .encode()))
                            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                        return;
                      }
                      ch.pipeline()
                          .addLast(
                              MysqlConnection.TIMEOUT_HANDLER, MysqlConnection.handshakeTimeout())
                          .addLast(new PacketFraming.Decoder(MysqlConnection.MAX_PACKET))
                          .addLast(new PacketFraming.Encoder())
                          .addLast(new MysqlConnection(front));
                    }
                  })
              .bind(address)
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      group = null;
      throw new IllegalStateException(
          "cannot listen for MySQL clients on "
              + address
              + " (shardeddb.router.mysql.port; shardeddb.router.mysql.enabled=false turns it off)",
          e);
    }
    LOG.info(
        "MySQL protocol on {} ({}; users {} and {})",
        channel.localAddress(),
        tls != null ? "TLS required" : "plain, as the HTTP port",
        settings.mysql().dataUser(),
        settings.mysql().adminUser());
  }

  /** The bound port, or -1 when not listening. */
  public synchronized int port() {
    return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @PreDestroy
  public synchronized void stop() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
      channel = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
  }

  private SslContext sslContext() {
    TlsMaterialSource source =
        TlsMaterialSource.directory(
            Path.of(tlsSettings.servedDir()), tlsSettings.refresh(), System::nanoTime);
    try {
      return SslContextBuilder.forServer(Tls.keyManagerFactory(source))
          .protocols(Tls.CLIENT_PROTOCOLS)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the MySQL listener's TLS context", e);
    }
  }
}
