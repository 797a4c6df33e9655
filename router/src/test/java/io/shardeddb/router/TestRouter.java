package io.shardeddb.router;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The router tests' one bootstrap: a whole router on a free loopback port, with the test's own
 * settings on top, and an {@link Http} client that carries its token.
 */
public final class TestRouter implements AutoCloseable {
  private final EmbeddedServer server;
  private final String token;

  private TestRouter(EmbeddedServer server, String token) {
    this.server = server;
    this.token = token;
  }

  /**
   * Starts a router on 127.0.0.1 and a free port that demands {@code token} (null: authentication
   * off), with {@code settings} added or overriding.
   */
  public static TestRouter start(String token, Map<String, Object> settings) {
    return new TestRouter(
        ApplicationContext.run(EmbeddedServer.class, settings(token, settings)), token);
  }

  /** The properties {@link #start} uses, for tests that expect the start itself to fail. */
  public static Map<String, Object> settings(String token, Map<String, Object> settings) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("micronaut.server.host", "127.0.0.1");
    all.put("micronaut.server.port", -1);
    // Tests drive /init, /add, /rm as the assignment's clients do: without a token when auth is
    // off (the named opt-in), with one token for both otherwise (an explicit admin token).
    if (token == null) {
      all.put("shardeddb.router.auth.enabled", false);
      all.put("shardeddb.router.auth.open-admin-for-assignment", true);
    } else {
      all.put("shardeddb.router.auth.token", token);
      all.put("shardeddb.router.auth.admin-token", token);
    }
    all.putAll(settings);
    return all;
  }

  /** The router's base URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A client of this router with its token (none when authentication is off). */
  public Http http() {
    return new Http(url(), token);
  }

  /** The running server (its application context, its port). */
  public EmbeddedServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }
}
