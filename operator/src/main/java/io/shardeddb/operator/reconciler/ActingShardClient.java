package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.protocol.shard.ChecksumResponse;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The shard-server client the steps that act are given: every call that changes a shard-server
 * (configure, fence, role, re-copy, the range and import steps) goes through unchanged, then tells
 * the {@link HeartbeatEventSource} that what it cached for that server is out of date, whether the
 * call answered or not (it may have taken effect). Reads pass straight through.
 */
public final class ActingShardClient implements ShardServerClient {

  private final ShardServerClient client;
  private final HeartbeatEventSource heartbeats;

  /** Calls through {@code client}, telling {@code heartbeats} which servers were acted on. */
  public ActingShardClient(ShardServerClient client, HeartbeatEventSource heartbeats) {
    this.client = client;
    this.heartbeats = heartbeats;
  }

  private <T> T acting(String url, Supplier<T> call) {
    try {
      return call.get();
    } finally {
      heartbeats.actedOn(url);
    }
  }

  private void acting(String url, Runnable call) {
    acting(
        url,
        () -> {
          call.run();
          return null;
        });
  }

  @Override
  public TimedHeartbeat heartbeat(String baseUrl) {
    return client.heartbeat(baseUrl);
  }

  @Override
  public TimedHeartbeat heartbeat(String baseUrl, long appliedLsn, Duration wait) {
    return client.heartbeat(baseUrl, appliedLsn, wait);
  }

  @Override
  public void configure(String baseUrl, ShardConfigRequest request) {
    acting(baseUrl, () -> client.configure(baseUrl, request));
  }

  @Override
  public TimedFence fence(String baseUrl, FenceRequest request) {
    return acting(baseUrl, () -> client.fence(baseUrl, request));
  }

  @Override
  public void assignRole(String baseUrl, RoleRequest request) {
    acting(baseUrl, () -> client.assignRole(baseUrl, request));
  }

  @Override
  public void resync(String baseUrl) {
    acting(baseUrl, () -> client.resync(baseUrl));
  }

  @Override
  public ChecksumResponse checksum(String baseUrl) {
    return client.checksum(baseUrl);
  }

  @Override
  public RangeChangeResponse fenceRange(String baseUrl, RangeChange change, Duration deadline) {
    return acting(baseUrl, () -> client.fenceRange(baseUrl, change, deadline));
  }

  @Override
  public RangeChangeResponse adoptRange(String baseUrl, RangeChange change, Duration deadline) {
    return acting(baseUrl, () -> client.adoptRange(baseUrl, change, deadline));
  }

  @Override
  public RangeChangeResponse purgeRange(String baseUrl, RangeChange change) {
    return acting(baseUrl, () -> client.purgeRange(baseUrl, change));
  }

  @Override
  public void startImport(String baseUrl, ImportRequest request) {
    acting(baseUrl, () -> client.startImport(baseUrl, request));
  }

  @Override
  public ImportProgress importProgress(String baseUrl, String moveId) {
    return client.importProgress(baseUrl, moveId);
  }

  @Override
  public void stopImport(String baseUrl, String moveId) {
    acting(baseUrl, () -> client.stopImport(baseUrl, moveId));
  }

  @Override
  public String postJson(String baseUrl, String path, Object body) {
    return acting(baseUrl, () -> client.postJson(baseUrl, path, body));
  }

  @Override
  public String getJson(String baseUrl, String path) {
    return client.getJson(baseUrl, path);
  }

  @Override
  public void useCredential(String database, Collection<String> baseUrls, String token) {
    client.useCredential(database, baseUrls, token);
  }

  @Override
  public void useTls(String database, Collection<String> baseUrls, SSLContext tls) {
    client.useTls(database, baseUrls, tls);
  }
}
