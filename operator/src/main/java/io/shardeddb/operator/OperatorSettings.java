package io.shardeddb.operator;

import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.shardclient.HttpShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerClient;
import java.time.Clock;
import java.util.Map;

/**
 * How to run the operator: the documented knobs ({@link OperatorConfig}) plus what is wired rather
 * than configured: the clock, the images, the shard-server client, and what to do when leadership
 * is lost or an informer stops for good while running (the container exits so it restarts cleanly;
 * in-process, nothing: the JVM is local mode's or a test's).
 */
public record OperatorSettings(
    OperatorConfig config,
    Clock clock,
    Images images,
    ShardServerClient shardServerClient,
    Runnable onLostLeadership) {

  /** The Lease that elects the active operator replica. */
  public static final String LEASE_NAME = "shardeddb-operator";

  /** The default metrics/health port (docs/architecture.md). */
  public static final int DEFAULT_MANAGEMENT_PORT =
      Integer.parseInt(OperatorConfig.Setting.MANAGEMENT_PORT.defaultValue());

  /** In-process use (local mode, tests): no leader election, no management port. */
  public static OperatorSettings inProcess() {
    return inProcess(Map.of(), HttpShardServerClient.withDefaultTimeouts());
  }

  /**
   * In-process use with these settings (by property name, e.g. {@code shardeddb.management-port})
   * and this shard-server client.
   */
  public static OperatorSettings inProcess(
      Map<String, String> properties, ShardServerClient shardServerClient) {
    return new OperatorSettings(
        OperatorConfig.inProcess(properties),
        Clock.systemUTC(),
        Images.DEFAULTS,
        shardServerClient,
        () -> {});
  }
}
