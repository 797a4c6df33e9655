package io.shardeddb.backup.embedded;

import io.shardeddb.backup.StoreSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 protocol server on this machine: S3Proxy over a filesystem blob store, on a loopback
 * address, with one access key (AWS signature v2/v4 checked on every request). Local mode's default
 * backup store, and the store the tests use. Like S3, a GET racing an overwrite answers one whole
 * version, never one PUT's body under another's metadata ({@link WholeVersionBlobStore}). Needs
 * {@code org.gaul:s3proxy} on the class path (optional dependency of this module).
 */
public final class EmbeddedS3Server implements AutoCloseable {
  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String host;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final Path directory;
  private final boolean https;

  private EmbeddedS3Server(
      S3Proxy proxy,
      BlobStoreContext context,
      String host,
      String accessKeyId,
      String secretAccessKey,
      Path directory,
      boolean https) {
    this.proxy = proxy;
    this.context = context;
    this.host = host;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.directory = directory;
    this.https = https;
  }

  /**
   * Starts a server storing objects under {@code directory} (each bucket a sub-directory), on
   * {@code host}:{@code port} (0: any free port).
   */
  public static EmbeddedS3Server start(
      Path directory, String host, int port, String accessKeyId, String secretAccessKey)
      throws Exception {
    return start(directory, host, port, accessKeyId, secretAccessKey, null, null);
  }

  /**
   * As {@link #start(Path, String, int, String, String)}, serving HTTPS only with the key and
   * certificate chain in {@code keyStore} (PKCS12) when it is not null.
   */
  public static EmbeddedS3Server start(
      Path directory,
      String host,
      int port,
      String accessKeyId,
      String secretAccessKey,
      Path keyStore,
      String keyStorePassword)
      throws Exception {
    Files.createDirectories(directory);
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
    S3Proxy.Builder builder =
        S3Proxy.builder()
            .blobStore(new WholeVersionBlobStore(context.getBlobStore()))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
            .ignoreUnknownHeaders(true);
    if (keyStore == null) {
      builder.endpoint(URI.create("http://" + host + ":" + port));
    } else {
      builder
          .secureEndpoint(URI.create("https://" + host + ":" + port))
          .keyStore(keyStore.toAbsolutePath().toString(), keyStorePassword);
    }
    S3Proxy proxy = builder.build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        context.close();
        throw new IllegalStateException(
            "the embedded S3 server did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new EmbeddedS3Server(
        proxy, context, host, accessKeyId, secretAccessKey, directory, keyStore != null);
  }

  /** The endpoint URL, e.g. {@code http://127.0.0.1:9000}. */
  public String url() {
    return (https ? "https://" : "http://") + host + ":" + port();
  }

  public int port() {
    return https ? proxy.getSecurePort() : proxy.getPort();
  }

  public Path directory() {
    return directory;
  }

  /** Settings for {@code bucket} on this server with its access key, path-style. */
  public StoreSettings settings(String bucket, String prefix) {
    return new StoreSettings(
        url(), "us-east-1", bucket, prefix, true, accessKeyId, secretAccessKey);
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public String secretAccessKey() {
    return secretAccessKey;
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
