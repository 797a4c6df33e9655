package io.shardeddb.bench;

import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.lb.ReadResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ShardedDB through its router: one-row {@code POST /write}, {@code POST /read} low == high. */
final class RouterTarget implements Target {
  private final RouterClient client;

  RouterTarget(String routerUrl, String token) {
    this(routerUrl, token, null);
  }

  /** A router served over HTTPS, verified with {@code tls} (null: plain HTTP or JDK defaults). */
  RouterTarget(String routerUrl, String token, javax.net.ssl.SSLContext tls) {
    this.client = new RouterClient(routerUrl, token, Rows.KEY, Duration.ofSeconds(60), tls);
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
}
