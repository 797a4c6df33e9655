package io.shardeddb.shardserver.replication.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.shard.ReplicateRequest;
import io.shardeddb.protocol.shard.ReplicateResponse;
import io.shardeddb.protocol.stream.DataFrames;
import io.shardeddb.protocol.stream.Frames;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.AuthSettings;
import io.shardeddb.shardserver.config.CredentialsFactory;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.config.TlsFactory;
import io.shardeddb.shardserver.datastream.DataCalls;
import io.shardeddb.shardserver.datastream.DataStreamHandler;
import io.shardeddb.shardserver.identity.Call;
import io.shardeddb.shardserver.identity.CallerIdentities;
import io.shardeddb.shardserver.identity.Decision;
import io.shardeddb.shardserver.replication.SecondaryMeters;
import io.shardeddb.shardserver.replication.SecondarySync;
import io.shardeddb.shardserver.trace.ShardTracing;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's end of the replication stream: a TCP listener ({@code
 * shardeddb.replication.stream-port}; 0 = any free port, -1 = none) on the HTTP server's host. A
 * replication connection is accepted as {@code /replicate} is: with TLS on, only a client
 * certificate of role shard-server (mTLS, required here) of this shard ({@link CallerIdentities}),
 * and each request only when it names as primary the pod the certificate names; with auth on, only
 * the shard credential (checked once, in the first frame; the data credential is refused). Each
 * connection's requests are applied one at a time in arrival order on its own thread (never on the
 * event loop), by the same {@link SecondarySync#onReplicate} the HTTP endpoint calls, and answered
 * on the same connection with the request's id. A connection silent for longer than twice the lease
 * period is closed.
 *
 * <p>The same port carries routers' data channels (issue 27 lever 1, {@link DataFrames}): a hello
 * of version 2 names its kind. A data hello needs what the data endpoints need over HTTP — with TLS
 * on, a client certificate of role router (a shard-server's is refused, as a router's is refused on
 * a replication hello); with auth on, the data credential or the shard credential — and its calls
 * then run by {@link DataCalls}, concurrently, on the blocking executor the HTTP controllers use
 * ({@link DataStreamHandler}); a router that asks for typed bodies in its hello gets them granted
 * in the welcome (issue 48, {@link DataFrames#TYPED_BODIES}). An idle data channel is closed after
 * {@link #DATA_IDLE_MILLIS} (routers ping it meanwhile).
 */
@Context
public class ReplicationStreamServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationStreamServer.class);

  private final SecondarySync sync;
  private final SecondaryMeters applyMeters;
  private final ReplicationSettings settings;
  private final boolean authEnabled;
  private final CredentialSource credentials;
  private final CredentialSource dataCredentials;
  private final TlsFactory.ServerTls tls;
  private final CallerIdentities identities;
  private final ReplicateCodec codec;
  private final ShardTracing tracing;
  private final Provider<DataCalls> dataCalls;
  private final ExecutorService blocking;
  private final String host;
  private EventLoopGroup group;
  private Channel listener;
  private volatile int port = -1;

  public ReplicationStreamServer(
      SecondarySync sync,
      ReplicationSettings settings,
      AuthSettings auth,
      CredentialSource credentials,
      @Named(CredentialsFactory.DATA) CredentialSource dataCredentials,
      TlsFactory.ServerTls tls,
      CallerIdentities identities,
      JsonMapper json,
      @Value("${micronaut.server.host:}") String host,
      MeterRegistry registry,
      Provider<DataCalls> dataCalls,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
      ShardTracing tracing) {
    this.tracing = tracing;
    this.sync = sync;
    this.applyMeters = new SecondaryMeters(registry);
    this.settings = settings;
    this.authEnabled = auth.enabled();
    this.credentials = credentials;
    this.dataCredentials = dataCredentials;
    this.dataCalls = dataCalls;
    this.blocking = blocking;
    this.tls = tls;
    this.identities = identities;
    this.codec = new ReplicateCodec(json);
    this.host = host;
  }

  @PostConstruct
  void start() throws InterruptedException {
    if (settings.streamPort() < 0) {
      return;
    }
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls.enabled()) {
                      SSLEngine engine =
                          new JdkSslContext(
                                  Tls.serverContext(
                                      tls.source().orElseThrow(),
                                      EnumSet.of(TlsRole.SHARD_SERVER, TlsRole.ROUTER)),
                                  false,
                                  ClientAuth.REQUIRE)
                              .newEngine(ch.alloc());
                      engine.setEnabledProtocols(Tls.INTERNAL_PROTOCOLS);
                      ch.pipeline().addLast(new SslHandler(engine));
                    }
                    long idle = Math.max(1_000, settings.leasePeriod().toMillis() * 2);
                    ch.pipeline().addLast(new ReadTimeoutHandler(idle, TimeUnit.MILLISECONDS));
                    Frames.addFraming(ch.pipeline()).addLast(new Connection());
                  }
                });
    String bindHost = host == null || host.isBlank() ? "0.0.0.0" : host.trim();
    listener = b.bind(bindHost, settings.streamPort()).sync().channel();
    port = ((InetSocketAddress) listener.localAddress()).getPort();
    LOG.info("replication stream listening on {}:{}", bindHost, port);
  }

  /** The port the stream listens on, -1 when it does not. */
  public int port() {
    return port;
  }

  /** One primary's connection: hello first, then requests answered in order on its thread. */
  private final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
    private boolean welcomed;
    private ExecutorService applier;
    private Certificate[] peerChain;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      byte type = frame.readByte();
      long id = frame.readLong();
      if (!welcomed) {
        hello(ctx, type, frame);
        return;
      }
      if (type != ReplicateCodec.REPLICATE) {
        refuse(ctx, id, 400, "unexpected frame type " + type, -1);
        return;
      }
      ReplicateRequest request;
      try {
        request = codec.readRequest(frame);
      } catch (RuntimeException e) {
        refuse(ctx, id, 400, "malformed replicate frame: " + e.getMessage(), -1);
        return;
      }
      if (tls.enabled()
          && identities.sender(peerChain, request.primary()) instanceof Decision.Refused r) {
        refuse(ctx, id, 403, r.reason(), -1);
        return;
      }
      applier.execute(() -> apply(ctx, id, request));
    }

    private void hello(ChannelHandlerContext ctx, byte type, ByteBuf frame) {
      if (type != Frames.HELLO) {
        close(ctx, 400, "the first frame must be a hello");
        return;
      }
      Frames.Hello hello = Frames.readHello(frame);
      String authorization = hello.authorization();
      byte kind = hello.kind();
      if (kind == Frames.KIND_UNKNOWN) {
        close(ctx, 400, "stream version " + hello.version() + " is not spoken here");
        return;
      }
      if (kind == DataFrames.KIND_DATA) {
        dataHello(ctx, authorization, DataFrames.readBodies(frame));
        return;
      }
      if (kind != DataFrames.KIND_REPLICATION) {
        close(ctx, 400, "stream channel kind " + kind + " is not spoken here");
        return;
      }
      if (tls.enabled() && refused(ctx, Call.Kind.REPLICATION, "the replication stream")) {
        return;
      }
      if (authEnabled && !credentials.get().accepts(authorization)) {
        close(ctx, 401, "missing or invalid shard credential");
        return;
      }
      welcomed = true;
      applier =
          Executors.newSingleThreadExecutor(
              Thread.ofPlatform().daemon().name("replicate-stream-apply").factory());
      ctx.channel().closeFuture().addListener(f -> applier.shutdownNow());
      ctx.writeAndFlush(Frames.signal(ctx.alloc(), Frames.WELCOME, 0));
    }

    /**
     * A router's data channel: the router role (TLS on) and the data or shard credential (auth on),
     * as the data endpoints over HTTP; then this handler gives way to a {@link DataStreamHandler},
     * and the welcome grants the typed bodies the router asked for ({@code bodies}, up to this
     * build's; none when it asked for none, a welcome as before them).
     */
    private void dataHello(ChannelHandlerContext ctx, String authorization, byte bodies) {
      if (tls.enabled() && refused(ctx, Call.Kind.DATA, "the data stream")) {
        return;
      }
      if (authEnabled
          && !dataCredentials.get().accepts(authorization)
          && !credentials.get().accepts(authorization)) {
        close(ctx, 401, "missing or invalid shard credential");
        return;
      }
      welcomed = true;
      ctx.pipeline()
          .replace(
              ReadTimeoutHandler.class,
              "idle",
              new ReadTimeoutHandler(DATA_IDLE_MILLIS, TimeUnit.MILLISECONDS));
      ctx.pipeline().replace(this, "data", new DataStreamHandler(dataCalls.get(), blocking));
      ctx.writeAndFlush(DataFrames.welcome(ctx.alloc(), DataFrames.granted(bodies)));
    }

    /**
     * Whether the caller's certificate may not open {@code channel} ({@link CallerIdentities}); if
     * so, the connection is closed with a 403 naming what was expected.
     */
    private boolean refused(ChannelHandlerContext ctx, Call.Kind kind, String channel) {
      peerChain = peerChain(ctx);
      if (identities.check(peerChain, new Call(kind, channel)) instanceof Decision.Refused r) {
        close(ctx, 403, channel + ": " + r.reason());
        return true;
      }
      return false;
    }

    private static Certificate[] peerChain(ChannelHandlerContext ctx) {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      if (ssl == null) {
        return null;
      }
      try {
        return ssl.engine().getSession().getPeerCertificates();
      } catch (SSLPeerUnverifiedException e) {
        return null;
      }
    }

    private void apply(ChannelHandlerContext ctx, long id, ReplicateRequest request) {
      ByteBuf out = ctx.alloc().buffer(64);
      try {
        ReplicateResponse r =
            tracing.apply(request, () -> applyMeters.timed(() -> sync.onReplicate(request)));
        out.writeByte(ReplicateCodec.REPLICATED).writeLong(id);
        ReplicateCodec.writeResponse(out, r);
      } catch (ShardException e) {
        out.clear();
        Frames.writeRefusal(out, id, e.status(), e.getMessage(), e.epoch());
      } catch (RuntimeException e) {
        out.clear();
        Frames.writeRefusal(out, id, 500, "replicate failed: " + e, -1);
      }
      ctx.writeAndFlush(out);
    }

    private void refuse(ChannelHandlerContext ctx, long id, int status, String msg, long epoch) {
      ctx.writeAndFlush(Frames.writeRefusal(ctx.alloc().buffer(64), id, status, msg, epoch));
    }

    private void close(ChannelHandlerContext ctx, int status, String message) {
      ctx.writeAndFlush(Frames.writeRefusal(ctx.alloc().buffer(64), 0, status, message, -1))
          .addListener(f -> ctx.close());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("replication stream from {} closed: {}", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }

  /** How long a data channel may stay silent (routers ping it every few seconds). */
  static final long DATA_IDLE_MILLIS = 30_000;

  @PreDestroy
  @Override
  public void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
