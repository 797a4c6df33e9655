package io.shardeddb.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.shardeddb.protocol.tls.CertificateAuthority;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The connection both stream clients make ({@link StreamClient}), against plain sockets: frames go
 * out length-prefixed and come back whole to the handler, from the local address asked for; with
 * TLS the client presents its certificate (the server sees its role) and refuses a server of
 * another role, so nothing reaches the handler.
 */
class StreamClientTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      CertificateAuthority.create("stream-ca", now, Duration.ofDays(1), new SecureRandom());

  /** Collects the frames a connection receives (as hex) and whether it closed. */
  private static final class Received extends SimpleChannelInboundHandler<ByteBuf> {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      frames.add(ByteBufUtil.hexDump(frame));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private SSLContext context(TlsRole own, TlsRole peer, boolean server) {
    CertificateAuthority.Issued issued =
        ca.issue(own, own.label(), List.of(), List.of(), now, Duration.ofDays(1));
    TlsMaterialSource source =
        TlsMaterialSource.fixed(
            PemMaterial.parse(
                PemMaterial.pem(List.of(ca.certificate())),
                issued.certificatePem(),
                issued.keyPem()));
    return server ? Tls.serverContext(source, EnumSet.of(peer)) : Tls.clientContext(source, peer);
  }

  /** Accepts one connection: reads one frame, answers a welcome, reports what it saw. */
  private static CompletableFuture<String[]> serveOnce(ServerSocket server) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket s = server.accept()) {
            s.setSoTimeout((int) PATIENCE.toMillis());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            String role = "plain";
            if (s instanceof SSLSocket tls) {
              role =
                  TlsRole.of((X509Certificate) tls.getSession().getPeerCertificates()[0])
                      .map(TlsRole::label)
                      .orElse("none");
            }
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(9);
            out.write(ByteBufUtil.decodeHexDump("020000000000000000"));
            out.flush();
            Thread.sleep(200);
            return new String[] {
              ByteBufUtil.hexDump(frame), role, s.getInetAddress().getHostAddress()
            };
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void framesGoOutWithTheirLengthAndComeBackWholeFromTheLocalAddressAskedFor() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        StreamClient client = new StreamClient()) {
      CompletableFuture<String[]> seen = serveOnce(server);
      Received received = new Received();
      ChannelFuture connected =
          client.connect(
              "127.0.0.1",
              server.getLocalPort(),
              " 127.0.0.1 ",
              Duration.ofSeconds(2),
              null,
              received);
      assertThat(connected.await(PATIENCE.toMillis())).isTrue();
      assertThat(connected.isSuccess()).isTrue();
      connected
          .channel()
          .writeAndFlush(Frames.hello(connected.channel().alloc(), Frames.KIND_DATA, "t"));

      assertThat(received.frames.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo("020000000000000000");
      String[] atServer = seen.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(atServer[0]).isEqualTo("0100000000000000000000000200000001" + "74" + "02");
      assertThat(atServer[1]).isEqualTo("plain");
      assertThat(atServer[2]).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void withTlsTheClientPresentsItsRoleAndVerifiesTheServers() throws Exception {
    SSLContext serverTls = context(TlsRole.SHARD_SERVER, TlsRole.ROUTER, true);
    try (SSLServerSocket server =
            (SSLServerSocket)
                serverTls
                    .getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        StreamClient client = new StreamClient()) {
      server.setNeedClientAuth(true);
      CompletableFuture<String[]> seen = serveOnce(server);
      Received received = new Received();
      int port = server.getLocalPort();
      ChannelFuture connected =
          client.connect(
              "127.0.0.1",
              port,
              null,
              Duration.ofSeconds(2),
              new StreamClient.TlsPeer(
                  context(TlsRole.ROUTER, TlsRole.SHARD_SERVER, false), "127.0.0.1", port),
              received);
      assertThat(connected.await(PATIENCE.toMillis())).isTrue();
      connected
          .channel()
          .writeAndFlush(Frames.hello(connected.channel().alloc(), Frames.KIND_DATA, "t"));

      assertThat(received.frames.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo("020000000000000000");
      assertThat(seen.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)[1]).isEqualTo("router");
    }
  }

  @Test
  void withTlsAServerOfAnotherRoleIsRefusedAndNothingIsRead() throws Exception {
    // A router's certificate where a shard-server is expected.
    SSLContext impostor = context(TlsRole.ROUTER, TlsRole.ROUTER, true);
    try (SSLServerSocket server =
            (SSLServerSocket)
                impostor
                    .getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        StreamClient client = new StreamClient()) {
      CompletableFuture<String[]> seen = serveOnce(server);
      Received received = new Received();
      int port = server.getLocalPort();
      ChannelFuture connected =
          client.connect(
              "127.0.0.1",
              port,
              null,
              Duration.ofSeconds(2),
              new StreamClient.TlsPeer(
                  context(TlsRole.ROUTER, TlsRole.SHARD_SERVER, false), "127.0.0.1", port),
              received);
      assertThat(connected.await(PATIENCE.toMillis())).isTrue();
      connected
          .channel()
          .writeAndFlush(Frames.hello(connected.channel().alloc(), Frames.KIND_DATA, "t"));

      assertThat(connected.channel().closeFuture().await(PATIENCE.toMillis())).isTrue();
      assertThat(received.frames).isEmpty();
      assertThat(seen).failsWithin(PATIENCE);
    }
  }
}
