package io.shardeddb.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.shardeddb.cli.testing.Chromium;
import io.shardeddb.cli.testing.CliRun;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web console in a real browser (Debian's headless Chromium through chromedriver) against local
 * mode, used as a person would: log in with the token, see every shard and its replicas, the
 * key-range bar and, after writes, each shard's charts; kill a primary and watch the failover (a
 * new primary at a higher epoch) appear on the page, then insert a row with the data browser and
 * find it again, by key and by SQL. Last, split a shard and watch the move in flight on the bar,
 * then the new layout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  private static final Duration LONG = Duration.ofMinutes(4);

  private final Path home = Path.of(System.getProperty("shardeddb.home", "..")).toAbsolutePath();
  private LocalCluster cluster;
  private WebDriver browser;
  private ChromeOptions options;
  private ChromeDriverService service;
  private String name;

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    Chromium.Result chromium = Chromium.locate();
    if (chromium.whyNot() != null) {
      if (chromium.mustExist()) {
        fail("no browser for the console test: " + chromium.whyNot());
      }
      Assumptions.abort("skipped: " + chromium.whyNot());
    }
    options = new ChromeOptions();
    options.setBinary(chromium.browser().toFile());
    // The flags the machine's notes give for a closed network: no background fetches that would
    // be refused, no first-run or sync; a fresh profile per run.
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1800",
        "--user-data-dir=" + Files.createDirectories(dataDir.resolve("chromium-profile")));
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromium.driver().toFile())
            .usingAnyFreePort()
            .build();
    cluster = LocalCluster.start(LocalCluster.Options.defaults(home, dataDir));
  }

  /** SHA-256 (base64) of the public key of the router's certificate, verified by the CA. */
  private static String verifiedSpki(LocalCluster.RouterInfo info) throws Exception {
    java.net.URI uri = java.net.URI.create(info.routerUrl());
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket)
            info.tls().getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
      socket.startHandshake();
      java.security.cert.Certificate leaf = socket.getSession().getPeerCertificates()[0];
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(leaf.getPublicKey().getEncoded());
      return java.util.Base64.getEncoder().encodeToString(digest);
    }
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theConsoleShowsEveryReplicaItsChartsAFailoverAndFindsARowItInserted() throws Exception {
    name = cluster.apply(home.resolve("cli/src/test/resources/failover.yaml"));
    DatabaseStatus db = new DatabaseStatus(cluster.client(), cluster.namespace(), name);
    LocalCluster.RouterInfo info =
        await().atMost(LONG).until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    await().atMost(LONG).until(db::isReady);
    // The router serves TLS from the database's CA, which the browser does not know: the test
    // verifies the router's certificate with that CA itself and pins the browser to exactly
    // that certificate's key (Chromium's SPKI allow-list), so nothing else would be accepted.
    if (info.tls() != null) {
      options.addArguments("--ignore-certificate-errors-spki-list=" + verifiedSpki(info));
    }
    browser = new ChromeDriver(service, options);

    // Log in: the page asks for the token and keeps it in the tab's session storage.
    browser.get(info.routerUrl() + "/console/");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> present(By.cssSelector("[data-testid=login]")));
    type(By.cssSelector("[data-testid=token]"), info.token());
    browser.findElement(By.cssSelector("[data-testid=login-submit]")).click();
    assertThat(browser.getCurrentUrl()).doesNotContain(info.token());

    // Every shard, each with its three replicas, healthy, one of them the primary the status names.
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(text(By.cssSelector("[data-testid=database]"))).isEqualTo(name);
              for (String shard : List.of("sh1", "sh2")) {
                WebElement section = shard(shard);
                List<WebElement> replicas =
                    section.findElements(By.cssSelector("[data-testid=replica]"));
                assertThat(replicas).hasSize(3);
                assertThat(replicas)
                    .extracting(
                        r -> r.findElement(By.cssSelector("[data-testid=health]")).getText())
                    .containsOnly("healthy");
                assertThat(
                        replicas.stream()
                            .filter(r -> "Primary".equals(r.getAttribute("data-role")))
                            .map(r -> r.getAttribute("data-replica")))
                    .containsExactly(db.primary(shard));
                assertThat(primaryOnPage(shard)).isEqualTo(db.primary(shard));
                assertThat(epochOnPage(shard)).isEqualTo(db.epoch(shard));
              }
            });
    // The key-range bar: one segment per shard with its bounds, no move in flight.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(segmentsOnBar())
                  .containsExactly(List.of("sh1", "0", "4096"), List.of("sh2", "4096", "8192"));
              assertThat(browser.findElements(By.cssSelector("[data-testid=keyrange-move]")))
                  .isEmpty();
            });

    // Writes to both shards through the router the page shows (20 requests of one row each per
    // shard, over about 2 s): each shard's writes/s and p99 charts get a point above zero; its lag
    // chart has a point at each sample.
    RouterClient router = info.client(info.token(), "Stud_id", Duration.ofSeconds(20));
    for (int i = 0; i < 20; i++) {
      router.write(List.of(ConcurrentWriters.row(100 + i), ConcurrentWriters.row(5000 + i)));
      Thread.sleep(100);
    }
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (String shard : List.of("sh1", "sh2")) {
                assertThat(chart(shard, "writes", "data-max")).as(shard + " writes/s").isPositive();
                assertThat(chart(shard, "p99", "data-max")).as(shard + " p99").isPositive();
                assertThat(chart(shard, "lag", "data-points")).as(shard + " lag").isGreaterThan(1);
              }
            });
    screenshot("console-before-failover.png");

    // Freeze sh1's primary for 30 s (SIGSTOP: a killed process is restarted at once and may resume
    // its role before any failover); the page shows the new primary and epoch.
    String oldPrimary = db.primary("sh1");
    long oldEpoch = db.epoch("sh1");
    sdb("local", "pause", oldPrimary, "--for", "30");
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(primaryOnPage("sh1")).isNotEqualTo(oldPrimary);
              assertThat(epochOnPage("sh1")).isGreaterThan(oldEpoch);
              assertThat(
                      shard("sh1")
                          .findElements(By.cssSelector("[data-testid=replica][data-role=Primary]")))
                  .extracting(r -> r.getAttribute("data-replica"))
                  .containsExactly(primaryOnPage("sh1"));
              assertThat(
                      browser.findElements(
                          By.cssSelector("[data-testid=event][data-reason=PrimaryChanged]")))
                  .extracting(WebElement::getText)
                  .anySatisfy(
                      e -> assertThat(e).contains("sh1: primary " + oldPrimary + " (epoch "));
            });
    String newPrimary = primaryOnPage("sh1");
    assertThat(newPrimary).isEqualTo(db.primary("sh1"));
    screenshot("console-after-failover.png");

    // The data browser: insert a row into the shard that just failed over, then find it.
    type(By.cssSelector("[data-testid=column-Stud_id]"), "1234");
    type(By.cssSelector("[data-testid=column-Stud_name]"), "Console");
    type(By.cssSelector("[data-testid=column-Stud_marks]"), "77");
    browser.findElement(By.cssSelector("[data-testid=insert]")).click();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(text(By.cssSelector("[data-testid=edit-outcome]")))
                    .isEqualTo("1 Data entries added"));

    type(By.cssSelector("[data-testid=find-low]"), "1234");
    browser.findElement(By.cssSelector("[data-testid=find-submit]")).click();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(text(By.cssSelector("[data-testid=find-outcome]")))
                  .startsWith("1 row(s) from shard(s) sh1");
              assertThat(rows("find-rows")).containsExactly(List.of("1234", "Console", "77"));
            });

    type(
        By.cssSelector("[data-testid=sql-query]"),
        "SELECT Stud_name FROM students WHERE Stud_id = 1234");
    browser.findElement(By.cssSelector("[data-testid=sql-submit]")).click();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(rows("sql-rows")).containsExactly(List.of("Console")));
    screenshot("console-data.png");
  }

  @Test
  @Order(2)
  void theKeyRangeBarShowsASplitInFlightThenTheNewLayout() throws Exception {
    Assumptions.assumeTrue(browser != null && name != null, "the first test logged in");
    // Split sh1: its upper half moves to a new shard sh3.
    List<Map<String, Object>> shards =
        List.of(shard("sh1", 0, 2048), shard("sh3", 2048, 2048), shard("sh2", 4096, 4096));
    String patch =
        new ObjectMapper()
            .writeValueAsString(
                List.of(Map.of("op", "replace", "path", "/spec/shards", "value", shards)));
    cluster
        .client()
        .genericKubernetesResources("shardeddb.io/v1alpha1", "ShardedDatabase")
        .inNamespace(cluster.namespace())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON), patch);

    // While sh3 is brought up and fills, the bar shows the move over the range it moves.
    await()
        .atMost(LONG)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(browser.findElements(By.cssSelector("[data-testid=keyrange-move]")))
                    .extracting(
                        m ->
                            List.of(
                                m.getAttribute("data-source"),
                                m.getAttribute("data-destination"),
                                m.getAttribute("data-low"),
                                m.getAttribute("data-high")))
                    .containsExactly(List.of("sh1", "sh3", "2048", "4096")));
    showBar();
    screenshot("console-move-in-flight.png");

    // Then the published layout: three segments with their bounds, nothing in flight.
    await()
        .atMost(Duration.ofMinutes(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(segmentsOnBar())
                  .containsExactly(
                      List.of("sh1", "0", "2048"),
                      List.of("sh3", "2048", "4096"),
                      List.of("sh2", "4096", "8192"));
              assertThat(browser.findElements(By.cssSelector("[data-testid=keyrange-move]")))
                  .isEmpty();
            });
    showBar();
    screenshot("console-after-split.png");
  }

  private static Map<String, Object> shard(String id, long low, long size) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id);
    s.put("low", low);
    s.put("size", size);
    return s;
  }

  /** The key-range bar's segments in order: shard, low, high (exclusive). */
  private List<List<String>> segmentsOnBar() {
    return browser.findElements(By.cssSelector("[data-testid=keyrange-segment]")).stream()
        .map(
            g ->
                List.of(
                    g.getAttribute("data-shard"),
                    g.getAttribute("data-low"),
                    g.getAttribute("data-high")))
        .toList();
  }

  /** A number a shard's chart carries: its largest value, its number of points, ... */
  private double chart(String shard, String chart, String attribute) {
    WebElement c =
        shard(shard).findElement(By.cssSelector("[data-testid=chart][data-chart=" + chart + "]"));
    return Double.parseDouble(c.getAttribute(attribute));
  }

  private boolean present(By by) {
    return !browser.findElements(by).isEmpty();
  }

  private String text(By by) {
    return browser.findElement(by).getText();
  }

  private void type(By by, String value) {
    WebElement e = browser.findElement(by);
    e.clear();
    e.sendKeys(value);
  }

  private WebElement shard(String id) {
    return browser.findElement(By.cssSelector("[data-testid=shard][data-shard=" + id + "]"));
  }

  private String primaryOnPage(String shard) {
    return shard(shard).findElement(By.cssSelector("[data-testid=primary]")).getText();
  }

  private long epochOnPage(String shard) {
    return Long.parseLong(
        shard(shard).findElement(By.cssSelector("[data-testid=epoch]")).getText());
  }

  private List<List<String>> rows(String table) {
    List<List<String>> rows = new ArrayList<>();
    for (WebElement row :
        browser.findElements(By.cssSelector("[data-testid=" + table + "] [data-testid=row]"))) {
      rows.add(row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
    }
    return rows;
  }

  /** Scrolls the key-range bar to the top of the window (the data browser left it below). */
  private void showBar() {
    ((ChromeDriver) browser)
        .executeScript(
            "arguments[0].scrollIntoView()",
            browser.findElement(By.cssSelector("[data-testid=keyrange-bar]")));
  }

  /** Saves what the page looks like now under cli/target, for a person to look at. */
  private void screenshot(String file) throws Exception {
    Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = home.resolve("cli/target").resolve(file);
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private String sdb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    CliRun run = CliRun.cli(all.toArray(String[]::new));
    assertThat(run.code()).as("kubectl-sdb %s: %s", all, run.err()).isZero();
    return run.out();
  }
}
