package io.shardeddb.router.shard;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.shardeddb.router.Http;
import io.shardeddb.router.TestRouter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A replica that accepts connections and never answers: every heartbeat poll gives up after 2 s and
 * the HTTP client's own read timeout fails the cancelled call later. Before, Reactor logged each of
 * those as an ERROR with its stack ("Operator called default onErrorDropped").
 */
class DroppedErrorsTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private ServerSocket silent;
  private TestRouter router;

  private static Logger logger(String name) {
    return (Logger) LoggerFactory.getLogger(name);
  }

  @AfterEach
  void stop() throws Exception {
    logger("reactor.core.publisher.Operators").detachAppender(logs);
    logger(DroppedErrors.class.getName()).detachAppender(logs);
    if (router != null) {
      router.close();
    }
    for (Socket s : held) {
      s.close();
    }
    silent.close();
  }

  @Test
  void aHeartbeatThatTimesOutLateIsNotLoggedAsAnError() throws Exception {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (!silent.isClosed()) {
                try {
                  held.add(silent.accept());
                } catch (Exception e) {
                  return;
                }
              }
            });
    logs.start();
    logger("reactor.core.publisher.Operators").addAppender(logs);
    Logger mine = logger(DroppedErrors.class.getName());
    mine.setLevel(Level.DEBUG);
    mine.addAppender(logs);
    router =
        TestRouter.start(
            null,
            Map.of(
                "shardeddb.router.heartbeat.interval", "200ms",
                "micronaut.http.client.read-timeout", "3s"));
    String url = "http://127.0.0.1:" + silent.getLocalPort();
    Http.Reply put =
        router
            .http()
            .send(
                "PUT",
                "/admin/topology",
                """
                {"database":"students","version":1,
                 "schema":{"table":"students","shardKey":"Stud_id","columns":[
                   {"name":"Stud_id","type":"Number"}]},
                 "shards":[{"id":"sh1","low":0,"size":100,"epoch":1,"primary":"p","replicas":[
                   {"name":"p","url":"%s","role":"Primary"}]}],
                 "servers":{}}
                """
                    .formatted(url));
    assertThat(put.status()).as(put.text()).isEqualTo(200);

    // Polls cancelled at 2 s, their calls failing at 3 s: late failures arrive.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(logs.list)
                    .anySatisfy(
                        e -> assertThat(e.getFormattedMessage()).contains("stopped waiting")));
    assertThat(logs.list)
        .allSatisfy(
            e -> {
              assertThat(e.getLevel()).as(e.getFormattedMessage()).isEqualTo(Level.DEBUG);
              assertThat(e.getLoggerName()).isEqualTo(DroppedErrors.class.getName());
            });
  }
}
