package io.shardeddb.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every call of {@link ShardServerClient} that may change a shard-server tells the heartbeat cache
 * which server it acted on — answered or not — and the reads do not: a call added to the interface,
 * or one moved into the reads by mistake, shows here.
 */
class ActingShardClientTest {
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<String> actedOn = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  /** A client that records each call and answers nothing (or fails every call when asked to). */
  private final ShardServerClient fleet =
      (ShardServerClient)
          Proxy.newProxyInstance(
              ShardServerClient.class.getClassLoader(),
              new Class<?>[] {ShardServerClient.class},
              (proxy, method, args) -> {
                sent.add(method.getName());
                if (failing) {
                  throw new ShardServerException(method.getName() + " failed", 0, null);
                }
                return zero(method.getReturnType());
              });

  private final ShardServerClient acting = ActingShardClient.of(fleet, actedOn::add);

  private static Object zero(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type.isPrimitive() && type != void.class) {
      return 0;
    }
    return null;
  }

  /** Calls {@code method} on {@code client} with {@code url} first and nulls or zeros after. */
  private static void call(ShardServerClient client, Method method, String url) throws Throwable {
    Object[] args =
        Arrays.stream(method.getParameterTypes()).map(ActingShardClientTest::zero).toArray();
    if (args.length > 0 && method.getParameterTypes()[0] == String.class) {
      args[0] = url;
    }
    try {
      method.invoke(client, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static List<Method> calls() {
    List<Method> methods = new ArrayList<>();
    for (Method m : ShardServerClient.class.getMethods()) {
      if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        methods.add(m);
      }
    }
    return methods;
  }

  @Test
  void everyCallThatMayChangeAServerInvalidatesItsHeartbeatAndNoReadDoes() throws Throwable {
    Map<String, List<String>> invalidated = new TreeMap<>();
    for (Method m : calls()) {
      actedOn.clear();
      sent.clear();
      call(acting, m, "http://u1:8081");
      assertThat(sent).as(m + " reaches the server client").containsExactly(m.getName());
      invalidated.merge(m.getName(), List.copyOf(actedOn), (a, b) -> a.equals(b) ? a : List.of());
    }

    assertThat(invalidated)
        .containsOnlyKeys(
            "heartbeat",
            "checksum",
            "importProgress",
            "getJson",
            "schema",
            "useCredential",
            "useTls",
            "configure",
            "fence",
            "assignRole",
            "resync",
            "fenceRange",
            "adoptRange",
            "purgeRange",
            "changeSchema",
            "startImport",
            "stopImport",
            "pauseWrites",
            "resumeWrites",
            "grantExport",
            "postJson");
    invalidated.forEach(
        (call, urls) -> {
          if (ActingShardClient.READS.contains(call) || ActingShardClient.SETTINGS.contains(call)) {
            assertThat(urls).as(call + " only reads or configures").isEmpty();
          } else {
            assertThat(urls).as(call + " acts").containsExactly("http://u1:8081");
          }
        });
    assertThat(ActingShardClient.READS)
        .containsExactlyInAnyOrder("heartbeat", "checksum", "importProgress", "getJson", "schema");
  }

  @Test
  void aCallThatFailedStillInvalidatesItMayHaveTakenEffect() {
    failing = true;

    assertThatThrownBy(() -> acting.assignRole("http://u2:8081", null))
        .isInstanceOf(ShardServerException.class)
        .hasMessage("assignRole failed");
    assertThatThrownBy(() -> acting.heartbeat("http://u2:8081"))
        .isInstanceOf(ShardServerException.class);

    assertThat(actedOn).containsExactly("http://u2:8081");
  }
}
