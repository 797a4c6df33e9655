package io.shardeddb.protocol.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} that speaks only the given protocol versions whoever uses it: its default
 * parameters (what the JDK's {@code HttpClient} applies to its engines), every engine it creates
 * and every socket its factories make have only those enabled. So a context {@link Tls} builds for
 * calls between the project's own processes cannot be talked down to an older version by the code
 * that uses it.
 */
final class ProtocolLimitedContext {
  private ProtocolLimitedContext() {}

  /** {@code inner} (initialised) limited to {@code protocols}. */
  static SSLContext of(SSLContext inner, String[] protocols) {
    return new SSLContext(new Spi(inner, protocols), inner.getProvider(), inner.getProtocol()) {};
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext inner;
    private final String[] protocols;

    Spi(SSLContext inner, String[] protocols) {
      this.inner = inner;
      this.protocols = protocols.clone();
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      inner.init(km, tm, sr);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new Sockets(inner.getSocketFactory(), protocols);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new ServerSockets(inner.getServerSocketFactory(), protocols);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return limit(inner.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return limit(inner.createSSLEngine(host, port));
    }

    private SSLEngine limit(SSLEngine engine) {
      engine.setEnabledProtocols(protocols);
      return engine;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return inner.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return inner.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      SSLParameters p = inner.getDefaultSSLParameters();
      p.setProtocols(protocols);
      return p;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      SSLParameters p = inner.getSupportedSSLParameters();
      p.setProtocols(protocols);
      return p;
    }
  }

  private static final class Sockets extends SSLSocketFactory {
    private final SSLSocketFactory inner;
    private final String[] protocols;

    Sockets(SSLSocketFactory inner, String[] protocols) {
      this.inner = inner;
      this.protocols = protocols;
    }

    private Socket limit(Socket s) {
      ((SSLSocket) s).setEnabledProtocols(protocols);
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return inner.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return inner.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return limit(inner.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return limit(inner.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return limit(inner.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return limit(inner.createSocket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return limit(inner.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return limit(inner.createSocket(host, port, local, localPort));
    }
  }

  private static final class ServerSockets extends SSLServerSocketFactory {
    private final SSLServerSocketFactory inner;
    private final String[] protocols;

    ServerSockets(SSLServerSocketFactory inner, String[] protocols) {
      this.inner = inner;
      this.protocols = protocols;
    }

    private ServerSocket limit(ServerSocket s) {
      ((SSLServerSocket) s).setEnabledProtocols(protocols);
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return inner.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return inner.getSupportedCipherSuites();
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return limit(inner.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return limit(inner.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return limit(inner.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      return limit(inner.createServerSocket(port, backlog, address));
    }
  }
}
