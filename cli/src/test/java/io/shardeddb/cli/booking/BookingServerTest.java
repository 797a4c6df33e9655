package io.shardeddb.cli.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.shardeddb.local.LocalPodKill;
import io.shardeddb.protocol.InvalidRequestException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The booking demo's server against a fake router (a loopback HTTP server that records what it got)
 * and fake shard-servers: the page's files and nothing else of the directory, the router's data API
 * forwarded unchanged, and the kill button behind the router's data token and the same origin.
 */
class BookingServerTest {
  private static final String TOKEN = "data-token";

  private final List<String> routerGot = Collections.synchronizedList(new ArrayList<>());
  private final List<String> killed = Collections.synchronizedList(new ArrayList<>());
  private HttpServer router;
  private BookingServer booking;
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path web;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(web.resolve("index.html"), "<p>page</p>");
    Files.writeString(web.resolve("booking.js"), "'use strict';");
    Files.writeString(web.resolve("booking.css"), "body{}");
    Files.writeString(web.resolve("courses.json"), "[]");
    router = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    router.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          routerGot.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI().getPath()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + body);
          byte[] reply = "{\"message\":\"Duplicate key\",\"status\":\"failure\"}".getBytes();
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(409, reply.length);
          ex.getResponseBody().write(reply);
          ex.close();
        });
    router.start();
    booking = start(TOKEN);
  }

  private BookingServer start(String token) throws Exception {
    String url = "http://127.0.0.1:" + router.getAddress().getPort();
    ShardServers fake =
        new ShardServers() {
          @Override
          public List<ShardServer> list() {
            return List.of(new ShardServer("courses-sh1-0", "sh1", "Primary", true, true));
          }

          @Override
          public LocalPodKill.Killed kill(String pod) {
            if (!pod.equals("courses-sh1-0")) {
              throw new UnknownPod("pod " + pod + " is not a shard-server of courses");
            }
            killed.add(pod);
            return new LocalPodKill.Killed(pod, 4242);
          }
        };
    return BookingServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new BookingServer.Router(url, null, token),
        fake,
        web);
  }

  @AfterEach
  void stop() {
    booking.close();
    router.stop(0);
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(booking.url() + path.substring(1)))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePagesFilesWithAContentSecurityPolicyAndNothingElse() throws Exception {
    HttpResponse<String> page = send("GET", "/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("<p>page</p>");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(BookingServer.CSP);
    assertThat(send("GET", "/booking.js", null).headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    for (String other : List.of("/courses.json", "/../pom.xml", "/%2e%2e/pom.xml", "/index.htm")) {
      HttpResponse<String> r = send("GET", other, null);
      assertThat(r.statusCode()).as(other).isEqualTo(404);
      assertThat(r.body()).contains("\"status\":\"failure\"");
    }
    assertThat(send("POST", "/index.html", "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void forwardsTheRoutersDataApiUnchangedAndAnswersWhatTheRouterAnswered() throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/write",
            "{\"data\":[{\"Seat_id\":1001}]}",
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/json");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).isEqualTo("{\"message\":\"Duplicate key\",\"status\":\"failure\"}");
    assertThat(routerGot)
        .containsExactly("POST /write Bearer " + TOKEN + " {\"data\":[{\"Seat_id\":1001}]}");

    // The router's method for each path only; nothing reaches the router otherwise.
    HttpResponse<String> wrong = send("GET", "/write", null);
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.body()).contains("use POST");
    assertThat(send("DELETE", "/del", "{\"Seat_id\":1001}").statusCode()).isEqualTo(409);
    assertThat(send("POST", "/init", "{}").statusCode()).isEqualTo(404);
    assertThat(routerGot).hasSize(2);
  }

  @Test
  void refusesRequestsFromPagesOfOtherOriginsBeforeForwardingAnything() throws Exception {
    HttpResponse<String> r =
        send("POST", "/write", "{}", "Origin", "http://evil.example", "Authorization", "Bearer x");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("cross-origin request refused");
    HttpResponse<String> kill =
        send(
            "POST",
            "/local/kill",
            "{\"pod\":\"courses-sh1-0\"}",
            "Origin",
            "http://127.0.0.1:1",
            "Authorization",
            "Bearer " + TOKEN);
    assertThat(kill.statusCode()).isEqualTo(403);
    assertThat(routerGot).isEmpty();
    assertThat(killed).isEmpty();
    String own = booking.url().substring(0, booking.url().length() - 1);
    HttpResponse<String> same = send("DELETE", "/del", "{}", "Origin", own);
    assertThat(same.statusCode()).as(same.body()).isEqualTo(409);
  }

  @Test
  void theKillButtonTakesTheRoutersDataTokenAndOnlyThisDatabasesShardServers() throws Exception {
    String body = "{\"pod\":\"courses-sh1-0\"}";
    assertThat(send("POST", "/local/kill", body).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/local/kill", body, "Authorization", "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/local/shard-servers", null).statusCode()).isEqualTo(401);
    assertThat(killed).isEmpty();

    String auth = "Bearer " + TOKEN;
    HttpResponse<String> list = send("GET", "/local/shard-servers", null, "Authorization", auth);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"pod\":\"courses-sh1-0\"").contains("\"role\":\"Primary\"");

    HttpResponse<String> ok = send("POST", "/local/kill", body, "Authorization", auth);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body())
        .contains("\"message\":\"killed pod courses-sh1-0 (pid 4242)\"")
        .contains("\"role\":\"Primary\"")
        .contains("\"shard\":\"sh1\"");
    assertThat(killed).containsExactly("courses-sh1-0");

    HttpResponse<String> unknown =
        send("POST", "/local/kill", "{\"pod\":\"courses-router-0\"}", "Authorization", auth);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("is not a shard-server of courses");
    for (String bad :
        List.of("", "[]", "{\"pod\":1}", "{\"pod\":\"a\",\"x\":1}", "{\"pod\":\" \"}")) {
      HttpResponse<String> r = send("POST", "/local/kill", bad, "Authorization", auth);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.body()).contains("{\\\"pod\\\": \\\"<shard-server pod name>\\\"}");
    }
    assertThat(send("GET", "/local/kill", null, "Authorization", auth).statusCode()).isEqualTo(405);
    assertThat(killed).containsExactly("courses-sh1-0");
  }

  @Test
  void withRouterAuthOffTheKillButtonIsClosed() throws Exception {
    booking.close();
    booking = start(null);
    HttpResponse<String> r = send("POST", "/local/kill", "{\"pod\":\"courses-sh1-0\"}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("router auth off");
    assertThat(killed).isEmpty();
  }

  @Test
  void theCatalogueIsCheckedAndEachCourseOwnsItsThousandKeys() {
    List<BookingCatalog.Course> courses =
        BookingCatalog.parse("[{\"id\":3,\"title\":\"Operating Systems\",\"seats\":20}]");
    assertThat(courses).containsExactly(new BookingCatalog.Course(3, "Operating Systems", 20));
    assertThat(BookingCatalog.row(courses.get(0)))
        .isEqualTo(
            Map.of("Seat_id", 3000L, "Course", "Operating Systems", "Student", "", "Seats", 20));
    for (String bad :
        List.of(
            "{}",
            "[]",
            "[{\"id\":1,\"title\":\"A\"}]",
            "[{\"id\":0,\"title\":\"A\",\"seats\":1}]",
            "[{\"id\":1,\"title\":\"A\",\"seats\":1000}]",
            "[{\"id\":1,\"title\":\"A\",\"seats\":1},{\"id\":1,\"title\":\"B\",\"seats\":1}]")) {
      assertThatThrownBy(() -> BookingCatalog.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class);
    }
    // The shipped catalogue parses.
    assertThat(
            BookingCatalog.parse(
                readUnchecked(Path.of("..", "examples", "booking", "courses.json"))))
        .hasSize(5);
  }

  private static String readUnchecked(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
