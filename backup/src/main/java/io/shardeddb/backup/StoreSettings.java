package io.shardeddb.backup;

import java.net.URI;
import java.util.Map;

/**
 * Where backups go: an S3-compatible endpoint (null: AWS's own), its region, the bucket, a key
 * prefix under which every database has its folder, path-style addressing (MinIO, S3Proxy, Ceph)
 * and the access key, and the PEM certificates of a CA to trust for its TLS besides the JVM's (a
 * private MinIO or Ceph; null: the JVM's only). The same settings reach shard-servers as
 * environment variables ({@link #fromEnv}) and the operator and CLI from the ShardedDatabase's
 * {@code spec.backup.store}.
 */
public record StoreSettings(
    String endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    String serverSideEncryption,
    String kmsKeyId,
    String caPem) {

  public static final String ENV_ENDPOINT = "SHARDEDDB_BACKUP_ENDPOINT";
  public static final String ENV_REGION = "SHARDEDDB_BACKUP_REGION";
  public static final String ENV_BUCKET = "SHARDEDDB_BACKUP_BUCKET";
  public static final String ENV_PREFIX = "SHARDEDDB_BACKUP_PREFIX";
  public static final String ENV_PATH_STYLE = "SHARDEDDB_BACKUP_PATH_STYLE";
  public static final String ENV_ACCESS_KEY_ID = "SHARDEDDB_BACKUP_ACCESS_KEY_ID";
  public static final String ENV_SECRET_ACCESS_KEY = "SHARDEDDB_BACKUP_SECRET_ACCESS_KEY";

  /**
   * A directory holding the credentials Secret's keys as files ({@link #SECRET_ACCESS_KEY_ID},
   * {@link #SECRET_SECRET_ACCESS_KEY}), as the operator mounts it; when set, it wins over {@link
   * #ENV_ACCESS_KEY_ID} and {@link #ENV_SECRET_ACCESS_KEY} (kept for local runs and tests).
   */
  public static final String ENV_CREDENTIALS_DIR = "SHARDEDDB_BACKUP_CREDENTIALS_DIR";

  /**
   * A file holding the PEM certificate(s) of the CA the store's TLS certificate chains to, as the
   * operator mounts {@code spec.backup.store.caSecret}'s {@link #SECRET_CA} key.
   */
  public static final String ENV_CA_FILE = "SHARDEDDB_BACKUP_CA_FILE";

  /** The key of {@code spec.backup.store.caSecret} holding the CA's PEM certificate(s). */
  public static final String SECRET_CA = "ca.crt";

  public static final String ENV_SSE = "SHARDEDDB_BACKUP_SSE";
  public static final String ENV_SSE_KMS_KEY_ID = "SHARDEDDB_BACKUP_SSE_KMS_KEY_ID";

  /** The server-side encryption values S3 takes ({@code x-amz-server-side-encryption}). */
  public static final java.util.List<String> SSE_VALUES = java.util.List.of("AES256", "aws:kms");

  /** Keys of the credentials Secret named by {@code spec.backup.store.credentialsSecret}. */
  public static final String SECRET_ACCESS_KEY_ID = "accessKeyId";

  public static final String SECRET_SECRET_ACCESS_KEY = "secretAccessKey";

  /** A store without server-side encryption. */
  public StoreSettings(
      String endpoint,
      String region,
      String bucket,
      String prefix,
      boolean pathStyle,
      String accessKeyId,
      String secretAccessKey) {
    this(endpoint, region, bucket, prefix, pathStyle, accessKeyId, secretAccessKey, null, null);
  }

  /** A store whose TLS certificate the JVM's default CAs verify. */
  public StoreSettings(
      String endpoint,
      String region,
      String bucket,
      String prefix,
      boolean pathStyle,
      String accessKeyId,
      String secretAccessKey,
      String serverSideEncryption,
      String kmsKeyId) {
    this(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        serverSideEncryption,
        kmsKeyId,
        null);
  }

  public StoreSettings {
    region = region == null || region.isBlank() ? "us-east-1" : region;
    serverSideEncryption =
        serverSideEncryption == null || serverSideEncryption.isBlank()
            ? null
            : serverSideEncryption;
    kmsKeyId = kmsKeyId == null || kmsKeyId.isBlank() ? null : kmsKeyId;
    caPem = caPem == null || caPem.isBlank() ? null : caPem;
    if (serverSideEncryption != null && !SSE_VALUES.contains(serverSideEncryption)) {
      throw new IllegalArgumentException(
          "serverSideEncryption must be one of "
              + SSE_VALUES
              + ", not '"
              + serverSideEncryption
              + "'");
    }
    if (kmsKeyId != null && !"aws:kms".equals(serverSideEncryption)) {
      throw new IllegalArgumentException("kmsKeyId needs serverSideEncryption aws:kms");
    }
    prefix = normalizePrefix(prefix);
    if (endpoint != null && endpoint.isBlank()) {
      endpoint = null;
    }
    if (endpoint != null) {
      URI.create(endpoint);
    }
  }

  /**
   * The settings from a shard-server's environment, or null when no bucket is set (backups off).
   */
  public static StoreSettings fromEnv(Map<String, String> env) {
    String bucket = env.get(ENV_BUCKET);
    if (bucket == null || bucket.isBlank()) {
      return null;
    }
    return new StoreSettings(
        env.get(ENV_ENDPOINT),
        env.get(ENV_REGION),
        bucket,
        env.get(ENV_PREFIX),
        Boolean.parseBoolean(env.getOrDefault(ENV_PATH_STYLE, "true")),
        env.get(ENV_ACCESS_KEY_ID),
        env.get(ENV_SECRET_ACCESS_KEY),
        env.get(ENV_SSE),
        env.get(ENV_SSE_KMS_KEY_ID),
        caFile(env.get(ENV_CA_FILE)));
  }

  private static String caFile(String file) {
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(file));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "the backup store's CA file " + ENV_CA_FILE + "=" + file + " cannot be read: " + e, e);
    }
  }

  /** The same store with other credentials. */
  public StoreSettings withCredentials(String accessKeyId, String secretAccessKey) {
    return new StoreSettings(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        serverSideEncryption,
        kmsKeyId,
        caPem);
  }

  /** The same store trusting the CA certificates in {@code pem} (null: the JVM's only). */
  public StoreSettings withCa(String pem) {
    return new StoreSettings(
        endpoint,
        region,
        bucket,
        prefix,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        serverSideEncryption,
        kmsKeyId,
        pem);
  }

  /** A printable description without the secret. */
  public String describe() {
    return (endpoint == null ? "s3" : endpoint)
        + "/"
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  @Override
  public String toString() {
    return "StoreSettings["
        + describe()
        + ", pathStyle="
        + pathStyle
        + (caPem == null ? "" : ", custom CA")
        + "]";
  }
}
