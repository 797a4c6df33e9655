package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.StoreSettings;
import io.shardeddb.backup.embedded.EmbeddedS3Server;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Local mode's default backup store (docs/backup.md): an embedded S3 server (S3Proxy over the
 * filesystem) on 127.0.0.1 with a fresh access key, its bucket, and a Secret holding the key; a
 * ShardedDatabase applied without {@code spec.backup} gets this store, so backups work with nothing
 * else installed.
 */
public final class LocalBackupStore implements AutoCloseable {
  public static final String BUCKET = "shardeddb-backups";
  public static final String SECRET = "shardeddb-backup-store";

  private EmbeddedS3Server server;

  /** Whether the server is stopped by {@link #stopForOutage} (and not started again yet). */
  private boolean down;

  /** The port the server was first given: kept across an outage, so its URL stays the same. */
  private final int port;

  private final StoreSettings settings;

  private LocalBackupStore(EmbeddedS3Server server) {
    this.server = server;
    this.port = server.port();
    this.settings = server.settings(BUCKET, "");
  }

  /** Starts the server storing under {@code directory}, creates the bucket and the Secret. */
  public static LocalBackupStore start(Path directory, KubernetesClient client, String namespace)
      throws Exception {
    byte[] secret = new byte[20];
    new SecureRandom().nextBytes(secret);
    EmbeddedS3Server server =
        EmbeddedS3Server.start(
            directory,
            "127.0.0.1",
            0,
            "local-" + HexFormat.of().formatHex(secret, 0, 4),
            HexFormat.of().formatHex(secret));
    try (BackupStore store = new BackupStore(server.settings(BUCKET, ""))) {
      store.ensureBucket();
    }
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SECRET)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData(StoreSettings.SECRET_ACCESS_KEY_ID, server.accessKeyId())
                .addToStringData(StoreSettings.SECRET_SECRET_ACCESS_KEY, server.secretAccessKey())
                .build())
        .createOr(r -> r.update());
    return new LocalBackupStore(server);
  }

  /** The S3 endpoint URL. */
  public String url() {
    return settings.endpoint();
  }

  public StoreSettings settings() {
    return settings;
  }

  /**
   * A store outage (the fault matrix): the server stops, so every call to it is refused until
   * {@link #startAgain}. What it stores stays on disk.
   */
  public synchronized void stopForOutage() throws Exception {
    if (!down) {
      server.close();
      down = true;
    }
  }

  /** Ends an outage: the server starts again on its port, with its objects and access key. */
  public synchronized void startAgain() throws Exception {
    if (down) {
      server =
          EmbeddedS3Server.start(
              server.directory(),
              "127.0.0.1",
              port,
              server.accessKeyId(),
              server.secretAccessKey());
      down = false;
    }
  }

  /**
   * {@code spec.backup} pointing at this store, set on a ShardedDatabase that names no store of its
   * own (other resources as they are).
   */
  @SuppressWarnings("unchecked")
  public void fillIn(GenericKubernetesResource r) {
    if (!ShardedDatabase.KIND.equals(r.getKind())) {
      return;
    }
    Map<String, Object> spec =
        (Map<String, Object>)
            r.getAdditionalProperties().computeIfAbsent("spec", k -> new LinkedHashMap<>());
    if (spec.get("backup") != null) {
      return;
    }
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("endpoint", url());
    store.put("bucket", BUCKET);
    store.put("pathStyle", true);
    store.put("credentialsSecret", SECRET);
    Map<String, Object> backup = new LinkedHashMap<>();
    backup.put("store", store);
    backup.put("archiveIntervalSeconds", 1);
    spec.put("backup", backup);
  }

  @Override
  public synchronized void close() throws Exception {
    if (!down) {
      server.close();
    }
  }
}
