package io.shardeddb.bench;

import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.lb.ReadResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ShardedDB through its router: one-row {@code POST /write}, {@code POST /read} low == high. */
final class RouterTarget implements Target {
  private final RouterClient client;
  private final ClientCpu cpu;

  /** The prefix of its HTTP client's threads, counted as the client's CPU; null: not known. */
  private final String httpThreads;

  /**
   * A router served over HTTPS, verified with {@code tls} (null: plain HTTP or JDK defaults); the
   * threads of its HTTP client count in {@code cpu} as the client's (see {@link ClientCpu}).
   */
  RouterTarget(String routerUrl, String token, javax.net.ssl.SSLContext tls, ClientCpu cpu) {
    Set<String> before = ClientCpu.threadNames();
    this.client = new RouterClient(routerUrl, token, Rows.KEY, Duration.ofSeconds(60), tls);
    this.cpu = cpu;
    this.httpThreads = ClientCpu.newHttpClientPrefix(before, ClientCpu.threadNames());
    if (httpThreads != null) {
      cpu.watch(httpThreads);
    } else {
      Phases.log(
          "cannot tell the router client's HTTP threads apart: their CPU is not the clients'");
    }
  }

  @Override
  public void write(long key) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(Rows.KEY, key);
    row.put(Rows.NAME, Rows.name(key));
    row.put(Rows.MARKS, Rows.marks(key));
    client.write(List.of(row));
  }

  @Override
  public void read(long key) {
    ReadResponse r = client.read(key, key);
    if (r.data().size() != 1
        || ((Number) r.data().get(0).get(Rows.KEY)).longValue() != key
        || !Rows.name(key).equals(r.data().get(0).get(Rows.NAME))) {
      throw new IllegalStateException("read of " + key + " returned " + r.data());
    }
  }

  @Override
  public void close() {
    if (httpThreads != null) {
      cpu.unwatch(httpThreads);
    }
  }
}
