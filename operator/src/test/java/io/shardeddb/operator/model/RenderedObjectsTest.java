package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.topology.PointRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Everything the model builds for every example (and a few variants the examples do not show: a
 * restore, a router certificate, routers on the old shard credential) rendered as YAML and compared
 * with {@code src/test/resources/rendered/<case>.yaml}, written from the builders before the
 * settings table existed: a refactoring of how settings reach the pods must leave every object as
 * it was. A deliberate change rewrites them with {@code -Dshardeddb.updateRendered=true}; the diff
 * of the files is then the change, for a reviewer to read.
 */
class RenderedObjectsTest {

  private static final Images IMAGES = new Images("ss:1", "rt:1", "my:1");

  /** One rendering: an example, with lines added to its spec for a variant. */
  record Case(String name, String example, String addedToSpec) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(Fixtures.repoRoot().resolve("examples"))) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .forEach(n -> cases.add(new Case(n.replace(".yaml", ""), n, "")));
    }
    cases.add(
        new Case(
            "students-backups-restore-time",
            "students-backups.yaml",
            "  bootstrap: {fromBackup: {source: students, time: \"2026-11-23T10:00:00Z\"}}"));
    cases.add(
        new Case(
            "students-backups-restore-point",
            "students-backups.yaml",
            "  bootstrap: {fromBackup: {source: students, restorePoint: before-move}}"));
    cases.add(
        new Case(
            "students-backups-restore-timestamp",
            "students-backups.yaml",
            "  bootstrap: {fromBackup: {source: students, timestamp: 3725112312197136384}}"));
    cases.add(
        new Case(
            "students-router-certificate",
            "students.yaml",
            "  tls: {routerCertificateSecret: students-public-tls}"));
    cases.add(new Case("students-without-tls", "students.yaml", "  tls: {enabled: false}"));
    cases.add(
        new Case(
            "students-plain-debug-logs",
            "students.yaml",
            "  logging: {format: plain, level: debug}"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyObjectIsRenderedAsBefore(Case c) throws IOException {
    String rendered = render(c);
    Path golden =
        Fixtures.repoRoot()
            .resolve("operator/src/test/resources/rendered")
            .resolve(c.name() + ".yaml");
    if (Boolean.getBoolean("shardeddb.updateRendered")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, rendered);
    }
    assertThat(rendered)
        .as(
            "%s differs; if the change is meant, rewrite it with -Dshardeddb.updateRendered=true",
            golden)
        .isEqualTo(Files.readString(golden));
  }

  /** Every object of the case in a fixed order, each under a comment naming it. */
  static String render(Case c) {
    Map<String, Object> objects = objects(c);
    StringBuilder out = new StringBuilder();
    objects.forEach(
        (name, object) -> out.append("# ").append(name).append('\n').append(yaml(object)));
    return out.toString();
  }

  /** The objects of a case by a name saying what each is. */
  static Map<String, Object> objects(Case c) {
    DatabaseModel db = model(c);
    Map<String, Object> objects = new LinkedHashMap<>();
    objects.put("configMap", ConfigModel.configMap(db));
    objects.put("layoutRequest", ConfigModel.layoutRequest(db));
    for (DesiredShard shard : db.shards()) {
      objects.put(shard.id() + "/statefulSet", ShardModel.statefulSet(db, shard));
      objects.put(shard.id() + "/service", ShardModel.headlessService(db, shard));
      objects.put(shard.id() + "/podDisruptionBudget", ShardModel.podDisruptionBudget(db, shard));
      objects.put(shard.id() + "/networkPolicy", NetworkPolicies.shard(db, shard));
    }
    for (ShardSpec shard : db.spec().shardsOrEmpty()) {
      objects.put(shard.id() + "/config", ShardConfigModel.request(db.spec(), shard, null));
      objects.put(
          shard.id() + "/config-owning",
          ShardConfigModel.request(db.spec(), shard, new PointRange(7, 42)));
    }
    objects.put("router/deployment", RouterModel.deployment(db));
    objects.put("router/deployment-shard-credential", RouterModel.deployment(db, false));
    objects.put("router/service", RouterModel.service(db));
    objects.put("router/networkPolicy", NetworkPolicies.router(db));
    objects.put("router/podDisruptionBudget", RouterModel.podDisruptionBudget(db));
    objects.put("router/serviceAccount", RouterModel.serviceAccount(db));
    objects.put("router/role", RouterModel.role(db));
    objects.put("router/roleBinding", RouterModel.roleBinding(db));
    objects.put(
        "podMonitor",
        PodMonitorModel.podMonitor(
            db.withScraper(
                db.scraper()
                    .withPodMonitors(
                        new MetricsScraper.PodMonitors(
                            true, Map.of("release", "kube-prometheus-stack"), null, null)))));
    return objects;
  }

  static DatabaseModel model(Case c) {
    try {
      String text = Files.readString(Fixtures.example(c.example()));
      if (!c.addedToSpec().isEmpty()) {
        // Every example ends inside its spec, at two spaces of indentation.
        text = text.stripTrailing() + "\n" + c.addedToSpec() + "\n";
      }
      ShardedDatabase sdb = Serialization.unmarshal(text, ShardedDatabase.class);
      sdb.getMetadata().setNamespace("ns");
      return DatabaseModel.of(sdb, IMAGES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String yaml(Object object) {
    try {
      return object == null ? "null\n" : Serialization.asYaml(object).replaceFirst("^---\n", "");
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException("cannot render " + object, e));
    }
  }
}
