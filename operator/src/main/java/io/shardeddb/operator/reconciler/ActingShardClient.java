package io.shardeddb.operator.reconciler;

import io.shardeddb.operator.shardclient.ShardServerClient;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The shard-server client the steps that act are given: every call that changes a shard-server
 * (configure, fence, role, re-copy, the range and import steps, a backup's pause) goes through
 * unchanged, then tells the {@link HeartbeatEventSource} that what it cached for that server is out
 * of date, whether the call answered or not (it may have taken effect). Reads pass straight
 * through.
 *
 * <p>Which calls act is decided here once, by {@link #acts}: every call of {@link
 * ShardServerClient} whose first argument is a server's URL acts unless it is one of the {@link
 * #READS} (or one of the {@link #SETTINGS}, which send nothing). The client is a proxy of the
 * interface rather than a hand-written wrapper, so a call added to the interface later acts by
 * default (a needless invalidation costs one heartbeat poll; a missing one lets a pass decide from
 * a heartbeat taken before its own change) and cannot reach the server around this class. {@code
 * ActingShardClientTest} calls every method of the interface.
 */
public final class ActingShardClient {

  /** The calls that only read a shard-server: their answers do not make the cache stale. */
  static final Set<String> READS =
      Set.of("heartbeat", "checksum", "importProgress", "getJson", "schema");

  /** The calls that configure this client (a database's credential, its TLS), sending nothing. */
  static final Set<String> SETTINGS = Set.of("useCredential", "useTls");

  private ActingShardClient() {}

  /** {@code client}, telling {@code heartbeats} which servers were acted on. */
  public static ShardServerClient of(ShardServerClient client, HeartbeatEventSource heartbeats) {
    return of(client, heartbeats::actedOn);
  }

  /** {@code client}, giving {@code actedOn} the URL of each server a call acted on. */
  static ShardServerClient of(ShardServerClient client, Consumer<String> actedOn) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(actedOn, "actedOn");
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (!acts(method)) {
            return call(client, method, args);
          }
          try {
            return call(client, method, args);
          } finally {
            actedOn.accept((String) args[0]);
          }
        };
    return (ShardServerClient)
        Proxy.newProxyInstance(
            ShardServerClient.class.getClassLoader(),
            new Class<?>[] {ShardServerClient.class},
            handler);
  }

  /**
   * Whether {@code method} may change the shard-server it is sent to: a call of the interface whose
   * first argument is that server's URL, other than a read or a setting of the client.
   */
  static boolean acts(Method method) {
    return method.getDeclaringClass() == ShardServerClient.class
        && method.getParameterCount() > 0
        && method.getParameterTypes()[0] == String.class
        && !READS.contains(method.getName())
        && !SETTINGS.contains(method.getName());
  }

  private static Object call(ShardServerClient client, Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(client, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
