package io.shardeddb.operator.testing;

import io.shardeddb.operator.shardclient.HttpShardServerClient;
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
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake shard-servers addressed like pods: each pod gets its own loopback IP (127.0.0.N) for its
 * status, and the operator's real HTTP client is pointed at the fake's ephemeral port for that IP
 * (the contract fixes port 8081, which tests cannot bind once per replica).
 */
public final class FakeShardFleet implements ShardServerClient, AutoCloseable {

  private final HttpShardServerClient http =
      new HttpShardServerClient(Duration.ofMillis(300), Duration.ofMillis(800));
  private final Map<String, FakeShardServer> byIp = new ConcurrentHashMap<>();
  private final Map<String, FakeShardServer> byPod = new ConcurrentHashMap<>();
  private final Map<String, String> ipByPod = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger(2);

  /** The fake for this pod, created on first use; returns its pod IP. */
  public synchronized String ipFor(String pod) {
    return ipByPod.computeIfAbsent(
        pod,
        p -> {
          int n = next.getAndIncrement();
          String ip = "127.0." + (n / 250) + "." + (n % 250 + 1);
          FakeShardServer server = new FakeShardServer(p);
          byIp.put(ip, server);
          byPod.put(p, server);
          return ip;
        });
  }

  /** Gives this pod's fake a new address (its pod was recreated); returns the new IP. */
  public synchronized String moveToNewIp(String pod) {
    FakeShardServer server = replica(pod);
    byIp.remove(ipByPod.get(pod));
    int n = next.getAndIncrement();
    String ip = "127.0." + (n / 250) + "." + (n % 250 + 1);
    byIp.put(ip, server);
    ipByPod.put(pod, ip);
    return ip;
  }

  /** The fake replica of this pod. */
  public FakeShardServer replica(String pod) {
    FakeShardServer s = byPod.get(pod);
    if (s == null) {
      throw new IllegalArgumentException("no fake for " + pod);
    }
    return s;
  }

  private String route(String baseUrl) {
    String host = URI.create(baseUrl).getHost();
    FakeShardServer s = byIp.get(host);
    // An unknown address stays unknown: the call fails as it would against a dead pod.
    return s == null ? "http://127.0.0.1:9" : "http://127.0.0.1:" + s.port();
  }

  @Override
  public TimedHeartbeat heartbeat(String baseUrl) {
    return http.heartbeat(route(baseUrl));
  }

  @Override
  public void configure(String baseUrl, ShardConfigRequest request) {
    http.configure(route(baseUrl), request);
  }

  @Override
  public TimedFence fence(String baseUrl, FenceRequest request) {
    return http.fence(route(baseUrl), request);
  }

  @Override
  public void assignRole(String baseUrl, RoleRequest request) {
    http.assignRole(route(baseUrl), request);
  }

  @Override
  public void resync(String baseUrl) {
    http.resync(route(baseUrl));
  }

  @Override
  public ChecksumResponse checksum(String baseUrl) {
    return http.checksum(route(baseUrl));
  }

  @Override
  public RangeChangeResponse fenceRange(String baseUrl, RangeChange change, Duration deadline) {
    return http.fenceRange(route(baseUrl), change, deadline);
  }

  @Override
  public RangeChangeResponse adoptRange(String baseUrl, RangeChange change, Duration deadline) {
    return http.adoptRange(route(baseUrl), change, deadline);
  }

  @Override
  public RangeChangeResponse purgeRange(String baseUrl, RangeChange change) {
    return http.purgeRange(route(baseUrl), change);
  }

  @Override
  public void startImport(String baseUrl, ImportRequest request) {
    http.startImport(route(baseUrl), request);
  }

  @Override
  public ImportProgress importProgress(String baseUrl, String moveId) {
    return http.importProgress(route(baseUrl), moveId);
  }

  @Override
  public void stopImport(String baseUrl, String moveId) {
    http.stopImport(route(baseUrl), moveId);
  }

  @Override
  public String getJson(String baseUrl, String path) {
    return http.getJson(route(baseUrl), path);
  }

  @Override
  public void useCredential(String database, Collection<String> baseUrls, String token) {
    http.useCredential(database, baseUrls.stream().map(this::route).toList(), token);
  }

  @Override
  public void close() {
    byPod.values().forEach(FakeShardServer::close);
  }
}
