package io.shardeddb.router.e2e;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real shard-servers for the end-to-end tests, in this JVM: the shard-server's runnable jar is
 * loaded into its own class loader (so its beans and the router's never mix), one embedded MariaDB
 * is shared by all of them (each server uses its own database), and each server runs as its own
 * Micronaut application on a loopback port. A server can be stopped abruptly to play a dead pod.
 */
final class ShardServerFleet implements AutoCloseable {
  /** The shard credential every fleet server requires. */
  static final String SHARD_CREDENTIAL = "fleet-shard-credential";

  private final URLClassLoader loader;
  private final AutoCloseable mariaDb;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Map<String, AutoCloseable> servers = new ConcurrentHashMap<>();
  private final Map<String, String> urls = new ConcurrentHashMap<>();

  private ShardServerFleet(
      URLClassLoader loader, AutoCloseable mariaDb, String jdbcUrl, String user, String password) {
    this.loader = loader;
    this.mariaDb = mariaDb;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /** The shard-server jar the build made (system property set by the router's pom). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("shardeddb.test.shard-server-jar", "missing"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "shard-server jar not found at "
              + jar
              + "; run ./mvnw -pl router -am verify so that shard-server is packaged first");
    }
    return jar;
  }

  /** Starts the shared MariaDB with its files under {@code dir}. */
  static ShardServerFleet start(Path dir) {
    try {
      URLClassLoader loader =
          new URLClassLoader(
              "shard-server",
              new URL[] {jar().toUri().toURL()},
              ClassLoader.getPlatformClassLoader());
      // DriverManager registers drivers once per JVM; a fleet started after another one must
      // register its own loader's driver, or its servers find "no suitable driver".
      Class.forName("com.mysql.cj.jdbc.Driver", true, loader);
      Object db =
          within(
              loader,
              () ->
                  loader
                      .loadClass("io.shardeddb.shardserver.storage.EmbeddedMariaDb")
                      .getMethod("start", Path.class, int.class)
                      .invoke(null, dir.resolve("mariadb"), 0));
      Class<?> type = db.getClass();
      return new ShardServerFleet(
          loader,
          (AutoCloseable) db,
          (String) type.getMethod("jdbcUrl").invoke(db),
          (String) type.getMethod("user").invoke(db),
          (String) type.getMethod("password").invoke(db));
    } catch (MalformedURLException | ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start the shard-server fleet", e);
    }
  }

  /** Starts a shard-server named {@code name} and returns its base URL. */
  String startServer(String name) {
    return startServer(name, Map.of());
  }

  /** As {@link #startServer(String)}, with {@code extra} settings added (e.g. {@code otel.*}). */
  String startServer(String name, Map<String, Object> extra) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("micronaut.server.host", "127.0.0.1");
    props.put("micronaut.server.port", -1);
    props.put("shardeddb.server.name", name);
    props.put("shardeddb.storage.jdbc-url", jdbcUrl);
    props.put("shardeddb.storage.jdbc-user", user);
    props.put("shardeddb.storage.jdbc-password", password);
    props.put("shardeddb.storage.database", name.replace('-', '_'));
    // The routers of these tests send it (src/test/resources/application-test.properties).
    props.put("shardeddb.auth.token", SHARD_CREDENTIAL);
    props.putAll(extra);
    try {
      Object server =
          within(
              loader,
              () -> {
                Class<?> context = loader.loadClass("io.micronaut.context.ApplicationContext");
                Class<?> embedded = loader.loadClass("io.micronaut.runtime.server.EmbeddedServer");
                return context
                    .getMethod("run", Class.class, Map.class, String[].class)
                    .invoke(null, embedded, props, new String[0]);
              });
      int port = (int) server.getClass().getMethod("getPort").invoke(server);
      String url = "http://127.0.0.1:" + port;
      servers.put(name, (AutoCloseable) server);
      urls.put(name, url);
      return url;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start shard-server " + name, e);
    }
  }

  /**
   * Starts {@code count} shard-servers named {@code prefix-0..} two at a time (the build machine
   * has two cores) and returns their base URLs in name order.
   */
  List<String> startServers(String prefix, int count) {
    ExecutorService starters = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> started = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + "-" + i;
        started.add(starters.submit(() -> startServer(name)));
      }
      List<String> urls = new ArrayList<>();
      for (Future<String> f : started) {
        urls.add(f.get(5, TimeUnit.MINUTES));
      }
      return urls;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot start shard-servers " + prefix, e);
    } finally {
      starters.shutdownNow();
    }
  }

  /** The shared MariaDB's JDBC URL, user and password, for a shard-server in its own JVM. */
  String jdbcUrl() {
    return jdbcUrl;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** The base URL of a started server. */
  String url(String name) {
    return urls.get(name);
  }

  /** Stops a server at once, as a crashed pod would vanish. */
  void kill(String name) throws Exception {
    AutoCloseable s = servers.remove(name);
    if (s != null) {
      Object ctx = s.getClass().getMethod("getApplicationContext").invoke(s);
      within(
          loader,
          () -> {
            ((AutoCloseable) ctx).close();
            return null;
          });
    }
  }

  /**
   * Every line the fleet's servers log through {@code logger} from now on, at debug and above, as
   * the JSON a pod writes (the shard-server's own logback and {@code JsonLineEncoder}, in its class
   * loader): one object a line in the returned buffer.
   */
  ByteArrayOutputStream jsonLinesOf(String logger) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    within(
        loader,
        () -> {
          Object context =
              loader
                  .loadClass("org.slf4j.LoggerFactory")
                  .getMethod("getILoggerFactory")
                  .invoke(null);
          Class<?> contextType = loader.loadClass("ch.qos.logback.core.Context");
          Object encoder =
              loader
                  .loadClass("io.shardeddb.protocol.logging.JsonLineEncoder")
                  .getConstructor()
                  .newInstance();
          encoder.getClass().getMethod("setContext", contextType).invoke(encoder, context);
          encoder.getClass().getMethod("start").invoke(encoder);
          Object appender =
              loader
                  .loadClass("ch.qos.logback.core.OutputStreamAppender")
                  .getConstructor()
                  .newInstance();
          Class<?> appenderType = appender.getClass();
          appenderType.getMethod("setContext", contextType).invoke(appender, context);
          appenderType
              .getMethod("setEncoder", loader.loadClass("ch.qos.logback.core.encoder.Encoder"))
              .invoke(appender, encoder);
          appenderType.getMethod("setOutputStream", OutputStream.class).invoke(appender, out);
          appenderType.getMethod("start").invoke(appender);
          Object target =
              context.getClass().getMethod("getLogger", String.class).invoke(context, logger);
          Class<?> level = loader.loadClass("ch.qos.logback.classic.Level");
          target
              .getClass()
              .getMethod("setLevel", level)
              .invoke(target, level.getField("DEBUG").get(null));
          target
              .getClass()
              .getMethod("addAppender", loader.loadClass("ch.qos.logback.core.Appender"))
              .invoke(target, appender);
          return null;
        });
    return out;
  }

  @Override
  public void close() throws Exception {
    for (String name : List.copyOf(servers.keySet())) {
      kill(name);
    }
    mariaDb.close();
    loader.close();
  }

  /** A call that may throw anything reflective. */
  private interface Call<T> {
    T run() throws Exception;
  }

  /** Runs {@code call} with the fleet's class loader as the thread's context loader. */
  private static <T> T within(ClassLoader loader, Call<T> call) {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      return call.run();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      t.setContextClassLoader(before);
    }
  }
}
