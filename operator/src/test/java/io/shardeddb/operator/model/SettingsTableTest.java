package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.backup.StoreSettings;
import io.shardeddb.operator.model.Setting.Channel;
import io.shardeddb.operator.model.Setting.Process;
import io.shardeddb.operator.model.Setting.Target;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The settings table is the whole map from resource to processes: nothing reaches a process that it
 * does not list, each setting is listed once, and docs/settings.md shows it as the code has it.
 */
class SettingsTableTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Channels whose values the table holds (TLS_ENV's added by cert/TlsPods); the others are built
   * elsewhere and listed.
   */
  private static final Set<Channel> VALUED_HERE =
      EnumSet.of(Channel.ENV, Channel.ARGS, Channel.TLS_ENV, Channel.CONFIG_MAP);

  static List<RenderedObjectsTest.Case> cases() throws IOException {
    return RenderedObjectsTest.cases().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everySettingTheObjectsCarryIsARowOfTheTable(RenderedObjectsTest.Case c) {
    RenderedObjectsTest.objects(c)
        .forEach(
            (name, object) -> {
              switch (object) {
                case StatefulSet sts -> {
                  for (Container container :
                      sts.getSpec().getTemplate().getSpec().getContainers()) {
                    Process process =
                        container.getName().equals(ShardModel.MYSQL_CONTAINER)
                            ? Process.MYSQL
                            : Process.SHARD_SERVER;
                    assertEnvListed(name, process, container);
                    if (process == Process.MYSQL) {
                      assertArgsListed(name, container.getArgs());
                    }
                  }
                }
                case Deployment router ->
                    assertEnvListed(
                        name,
                        Process.ROUTER,
                        router.getSpec().getTemplate().getSpec().getContainers().get(0));
                case ConfigMap cm ->
                    assertThat(cm.getData().keySet())
                        .as("%s: the ConfigMap's keys", name)
                        .isSubsetOf(names(Process.PEOPLE, Channel.CONFIG_MAP));
                case ShardConfigRequest config ->
                    assertThat(
                            JSON.convertValue(config, new TypeReference<Map<String, Object>>() {})
                                .keySet())
                        .as("%s: the fields of POST /config", name)
                        .isSubsetOf(names(Process.SHARD_SERVER, Channel.CONFIG_CALL));
                default -> {}
              }
            });
  }

  @Test
  void everyFieldOfPostConfigIsARowEvenThoseNoExampleSends() {
    assertThat(
            Arrays.stream(ShardConfigRequest.class.getRecordComponents())
                .map(r -> r.getName())
                .toList())
        .containsExactlyInAnyOrderElementsOf(names(Process.SHARD_SERVER, Channel.CONFIG_CALL));
  }

  @Test
  void eachSettingIsListedOnceAndHasAValueExactlyWhenTheTableHoldsItsChannelsValues() {
    assertThat(
            SettingsTable.ROWS.stream()
                .map(s -> s.process() + " " + s.channel() + " " + s.name())
                .toList())
        .doesNotHaveDuplicates();
    for (Setting s : SettingsTable.ROWS) {
      assertThat(s.hasValue())
          .as("%s %s", s.name(), s.channel())
          .isEqualTo(VALUED_HERE.contains(s.channel()));
      assertThat(s.field()).as("%s: the field it comes from", s.name()).isNotBlank();
    }
  }

  @Test
  void theBackupStoresEncryptionReachesTheShardServersOnlyWhenSet() {
    Map<String, String> sse =
        shardServerEnv(
            new BackupStoreSpec(
                "http://s3:9000", null, "bkt", null, true, "creds", "aws:kms", "alias/backups"));
    assertThat(sse)
        .containsEntry(StoreSettings.ENV_SSE, "aws:kms")
        .containsEntry(StoreSettings.ENV_SSE_KMS_KEY_ID, "alias/backups")
        .containsEntry(StoreSettings.ENV_BUCKET, "bkt");
    assertThat(StoreSettings.fromEnv(sse).serverSideEncryption()).isEqualTo("aws:kms");

    Map<String, String> none =
        shardServerEnv(new BackupStoreSpec("http://s3:9000", null, "bkt", null, true, "creds"));
    assertThat(none).doesNotContainKeys(StoreSettings.ENV_SSE, StoreSettings.ENV_SSE_KMS_KEY_ID);
  }

  @Test
  void theStoresCaReachesTheShardServersAsTheMountedFileOnlyWhenNamed() {
    Map<String, String> ca =
        shardServerEnv(
            new BackupStoreSpec(
                "https://s3:9000", null, "bkt", null, true, "creds", null, null, "store-ca"));
    assertThat(ca)
        .containsEntry(
            StoreSettings.ENV_CA_FILE, "/var/run/secrets/shardeddb/backup-store-ca/ca.crt");
    assertThat(shardServerEnv(new BackupStoreSpec("https://s3:9000", null, "bkt", null, true, "c")))
        .doesNotContainKey(StoreSettings.ENV_CA_FILE);
  }

  /** The archive's owner marker names the database's UID (docs/backup.md, one owner). */
  @Test
  void theDatabasesUidAndNamespaceReachTheShardServersWithABackupStore() {
    assertThat(shardServerEnv(new BackupStoreSpec("http://s3:9000", null, "bkt", null, true, "c")))
        .containsEntry("SHARDEDDB_BACKUP_DATABASE", "db")
        .containsEntry("SHARDEDDB_BACKUP_DATABASE_UID", "uid-1")
        .containsEntry("SHARDEDDB_BACKUP_DATABASE_NAMESPACE", "ns");
  }

  @Test
  void withoutABackupStoreNoBackupOrRestoreSettingIsEmitted() {
    DatabaseModel db = DatabaseModel.of(Fixtures.load("students.yaml", "ns"), images());
    assertThat(SettingsTable.env(Process.SHARD_SERVER, Target.shard(db, "sh1")))
        .extracting(EnvVar::getName)
        .noneMatch(n -> n.startsWith("SHARDEDDB_BACKUP_") || n.startsWith("SHARDEDDB_RESTORE_"));
  }

  /** docs/settings.md, "## From the resource to the processes": the table's rows, in order. */
  @Test
  void theDocsShowTheTableAsTheCodeHasIt() throws IOException {
    Path docs = Fixtures.repoRoot().resolve("docs/settings.md");
    List<String> lines = new ArrayList<>(Files.readAllLines(docs));
    int heading = lines.indexOf(DOCS_HEADING);
    assertThat(heading).as("a '%s' section in %s", DOCS_HEADING, docs).isNotNegative();
    int first = heading;
    while (!lines.get(first).startsWith("|---")) {
      first++;
    }
    first++;
    int end = first;
    while (end < lines.size() && lines.get(end).startsWith("|")) {
      end++;
    }
    List<String> expected = SettingsTable.ROWS.stream().map(SettingsTableTest::docsRow).toList();
    if (Boolean.getBoolean("shardeddb.update-docs")) {
      lines.subList(first, end).clear();
      lines.addAll(first, expected);
      Files.write(docs, lines);
      end = first + expected.size();
    }
    assertThat(lines.subList(first, end))
        .as("%s, '%s': rewrite with -Dshardeddb.update-docs=true", docs, DOCS_HEADING)
        .containsExactlyElementsOf(expected);
  }

  static final String DOCS_HEADING = "## From the resource to the processes";

  static String docsRow(Setting s) {
    String field =
        s.field().startsWith("(")
            ? s.field()
            : Arrays.stream(s.field().split(", "))
                .map(f -> "`" + f + "`")
                .collect(Collectors.joining(", "));
    return "| %s | `%s` | %s | %s |"
        .formatted(field, s.name(), s.process().label(), s.channel().label());
  }

  private static void assertEnvListed(String object, Process process, Container container) {
    Set<String> listed = new java.util.HashSet<>(names(process, Channel.ENV));
    listed.addAll(names(process, Channel.TLS_ENV));
    assertThat(container.getEnv())
        .extracting(EnvVar::getName)
        .as("%s: the environment of container %s", object, container.getName())
        .isSubsetOf(listed);
  }

  /** The operator's own arguments by name; a user's parameter (underscores) by its row. */
  private static void assertArgsListed(String object, List<String> args) {
    Set<String> listed = Set.copyOf(names(Process.MYSQL, Channel.ARGS));
    for (String arg : args) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      assertThat(name.contains("_") ? "--<parameter>" : name)
          .as("%s: mysqld argument %s", object, arg)
          .isIn(listed);
    }
  }

  private static List<String> names(Process process, Channel channel) {
    return SettingsTable.rows(process, channel).stream().map(Setting::name).toList();
  }

  private static Map<String, String> shardServerEnv(BackupStoreSpec store) {
    ShardedDatabaseSpec spec =
        ShardedDatabaseSpec.builder().backup(new BackupSpec(store, null, null, null)).build();
    DatabaseModel db =
        new DatabaseModel("db", "ns", "uid-1", spec, images(), "tok", "my", List.of(), null, null);
    return SettingsTable.env(Process.SHARD_SERVER, Target.shard(db, "sh1")).stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static Images images() {
    return new Images("ss:1", "rt:1", "my:1");
  }
}
