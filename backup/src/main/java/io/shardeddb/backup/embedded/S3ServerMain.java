package io.shardeddb.backup.embedded;

import io.shardeddb.backup.BackupStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The S3 server as a process of its own: the image {@code shardeddb/s3} the real-cluster tier
 * (e2e/) runs as a pod, the same filesystem-backed S3Proxy local mode embeds. Configured by the
 * environment: {@code S3_ACCESS_KEY_ID} and {@code S3_SECRET_ACCESS_KEY} (required), {@code
 * S3_LISTEN_PORT} (default 9000), {@code S3_DATA_DIR} (default /data) and {@code S3_BUCKETS}
 * (buckets to create, comma-separated). Not {@code S3_PORT}: Kubernetes sets that (to {@code
 * tcp://ip:port}) in every pod of a namespace with a Service named {@code s3}. For tests and
 * trials, not a production object store.
 */
public final class S3ServerMain {

  private S3ServerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String key = required(env, "S3_ACCESS_KEY_ID");
    String secret = required(env, "S3_SECRET_ACCESS_KEY");
    int port = Integer.parseInt(env.getOrDefault("S3_LISTEN_PORT", "9000"));
    Path data = Path.of(env.getOrDefault("S3_DATA_DIR", "/data"));
    EmbeddedS3Server server = EmbeddedS3Server.start(data, "0.0.0.0", port, key, secret);
    for (String bucket :
        Arrays.stream(env.getOrDefault("S3_BUCKETS", "").split(","))
            .map(String::strip)
            .filter(b -> !b.isEmpty())
            .toList()) {
      try (BackupStore store = new BackupStore(server.settings(bucket, ""))) {
        store.ensureBucket();
      }
    }
    System.out.println("S3 server on port " + server.port() + ", data in " + data);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("stopping the S3 server: " + e);
                  }
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      System.err.println(name + " is not set");
      System.exit(2);
    }
    return value;
  }
}
