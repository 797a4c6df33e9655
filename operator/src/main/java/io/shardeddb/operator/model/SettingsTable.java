package io.shardeddb.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.shardeddb.api.MysqlParameters;
import io.shardeddb.api.SecretKeys;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.BackupSpec;
import io.shardeddb.api.v1alpha1.BackupStoreSpec;
import io.shardeddb.api.v1alpha1.FromBackupSpec;
import io.shardeddb.api.v1alpha1.LoggingSpec;
import io.shardeddb.api.v1alpha1.TlsSpec;
import io.shardeddb.backup.StoreSettings;
import io.shardeddb.operator.cert.TlsPods;
import io.shardeddb.operator.model.Setting.Channel;
import io.shardeddb.operator.model.Setting.Process;
import io.shardeddb.operator.model.Setting.Target;
import io.shardeddb.operator.model.Setting.Value;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one table from a field of the resource to the setting of a process that takes it (Keycloak's
 * {@code KeycloakDistConfigurator.mapOption}): each row names the field, the setting, the process
 * and the channel, and for the channels built here the value. The shard-server's, MySQL's and the
 * router's environment, MySQL's arguments and the database ConfigMap are built from it, in the
 * table's order; a new field that a process reads is one row here.
 *
 * <p>The channels, and why more than one stays:
 *
 * <ul>
 *   <li>{@link Channel#ENV} and {@link Channel#ARGS}, built here: settings a process reads once at
 *       start. A change changes the pod template, so it takes effect as the operator rolls the pods
 *       (one at a time, the primary last).
 *   <li>{@link Channel#TLS_ENV}: environment too, with names and values from these rows, but added
 *       by {@code cert/TlsPods} ({@link #env(Process, Channel, Target)}) together with the
 *       certificate volumes whose mount paths the values are.
 *   <li>{@link Channel#CONFIG_CALL}, {@code POST /config}: what changes while the shard-servers run
 *       and must not restart them — the schema arrives with {@code /init} after the pods are up,
 *       and the ranges a shard owns change with every resharding move. Built by {@link
 *       ShardConfigModel} as the typed protocol record; its fields are listed here.
 *   <li>{@link Channel#ROLE_CALL}, {@code POST /role}: the write quorum travels with the role,
 *       epoch and peers, so a replica never acknowledges under one quorum with the peers of
 *       another.
 *   <li>{@link Channel#RESOURCE}: the router watches its ShardedDatabase (docs/architecture.md,
 *       "What the router reads"), so layout and quorum reach it without a restart.
 *   <li>{@link Channel#CONFIG_MAP}: the database ConfigMap, which no process reads: it describes
 *       the database to people ({@code kubectl get configmap <db>-config}).
 * </ul>
 *
 * <p>Fields that shape Kubernetes objects rather than a process's settings (replicas, storage,
 * resources, placement, pods, images, failover timing, backup schedule) are not rows: the builder
 * of each object reads them.
 *
 * <p>Why this file is over 450 lines: it is the one table from resource field to server setting
 * (STYLE 17): one row per setting, each a few lines, so every setting a pod gets is found in one
 * place; splitting it by component would make two places to look.
 */
public final class SettingsTable {

  static final String OPERATOR = "(operator)";
  static final String POD = "(pod)";
  private static final String FROM = "spec.bootstrap.fromBackup.";
  private static final String STORE = "spec.backup.store.";
  private static final String TLS = "spec.tls.";
  private static final String MYSQL_SECRET = "spec.secrets.mysql";
  private static final String ROUTER_SECRET = "spec.secrets.routerToken";
  private static final String SHARD_SERVER_PORT = "" + ShardedDatabaseResources.SHARD_SERVER_PORT;
  private static final String ROUTER_PORT = "" + ShardedDatabaseResources.ROUTER_PORT;
  private static final String STREAM_PORT = "" + ShardedDatabaseResources.REPLICATION_STREAM_PORT;
  private static final String MANAGEMENT_PORT = "" + ShardedDatabaseResources.MANAGEMENT_PORT;
  private static final String METRICS_AUTH = ShardedDatabaseResources.METRICS_AUTH_MOUNT;
  private static final String JDBC_URL =
      "jdbc:mysql://127.0.0.1:" + ShardedDatabaseResources.MYSQL_PORT + "/";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** Every row; within a process and channel, in the order the settings are emitted. */
  public static final List<Setting> ROWS =
      List.of(
          // The shard-server.
          shardServer("SHARDEDDB_SERVER_NAME", POD, pod("metadata.name")),
          shardServer("MICRONAUT_SERVER_PORT", OPERATOR, fixed(SHARD_SERVER_PORT)),
          shardServer("SHARDEDDB_REPLICATION_STREAM_PORT", OPERATOR, fixed(STREAM_PORT)),
          shardServer("SHARDEDDB_MANAGEMENT_PORT", OPERATOR, fixed(MANAGEMENT_PORT)),
          shardServer("SHARDEDDB_JDBC_URL", OPERATOR, fixed(JDBC_URL)),
          shardServer("SHARDEDDB_JDBC_USER", MYSQL_SECRET, mysqlSecret(SecretKeys.MYSQL_USERNAME)),
          // Files of the mounted Secret (ShardModel.mysqlCredentialsVolume): the password, and an
          // edited one applied while running (no password in the environment).
          shardServer(
              "SHARDEDDB_JDBC_CREDENTIALS_DIR",
              MYSQL_SECRET,
              fixed(ShardedDatabaseResources.MYSQL_CREDENTIALS_MOUNT)),
          // The user from MYSQL_USER holds privileges on exactly this database.
          shardServer(
              "SHARDEDDB_DATABASE", OPERATOR, fixed(ShardedDatabaseResources.MYSQL_DATABASE)),
          shardServer(
              "SHARDEDDB_AUTH_DIR", OPERATOR, fixed(ShardedDatabaseResources.SHARD_AUTH_MOUNT)),
          shardServer(
              "SHARDEDDB_AUTH_DATA_DIR",
              OPERATOR,
              fixed(ShardedDatabaseResources.SHARD_DATA_AUTH_MOUNT)),
          // The scrape credential /prometheus takes (PodParts.metricsAuthVolume).
          shardServer("SHARDEDDB_METRICS_AUTH_DIR", OPERATOR, fixed(METRICS_AUTH)),
          shardServer("JDK_JAVA_OPTIONS", OPERATOR, fixed(PodParts.JVM_OPTIONS)),
          // Logs (docs/monitoring.md, "Logs"): the format and level, and who logs on every line.
          shardServer("SHARDEDDB_LOG_FORMAT", "spec.logging.format", SettingsTable::logFormat),
          shardServer("SHARDEDDB_LOG_LEVEL", "spec.logging.level", SettingsTable::logLevel),
          shardServer("SHARDEDDB_LOG_DATABASE", "metadata.name", t -> text(t.db().name())),
          shardServer("SHARDEDDB_LOG_SHARD", "spec.shards[].id", t -> text(t.shard())),
          shardServer("SHARDEDDB_LOG_POD", POD, pod("metadata.name")),
          // Traces (docs/monitoring.md, "Traces"): the operator's collector, none when off.
          shardServer("OTEL_EXPORTER_OTLP_ENDPOINT", OPERATOR, SettingsTable::tracesEndpoint),
          // Archiving, base backups and restore at start (docs/backup.md); none without a store.
          store(StoreSettings.ENV_ENDPOINT, "endpoint", BackupStoreSpec::endpoint),
          store(StoreSettings.ENV_REGION, "region", BackupStoreSpec::region),
          store(StoreSettings.ENV_BUCKET, "bucket", BackupStoreSpec::bucket),
          store(StoreSettings.ENV_PREFIX, "prefix", BackupStoreSpec::prefix),
          store(StoreSettings.ENV_PATH_STYLE, "pathStyle", s -> "" + s.pathStyleOrDefault()),
          store(
              StoreSettings.ENV_SSE, "serverSideEncryption", BackupStoreSpec::serverSideEncryption),
          store(StoreSettings.ENV_SSE_KMS_KEY_ID, "kmsKeyId", BackupStoreSpec::kmsKeyId),
          // The access key as files of the mounted Secret (ShardModel.backupStoreVolume), not
          // environment variables (/proc/<pid>/environ, `kubectl describe`). None without a
          // Secret: the SDK's default chain (a cloud identity) finds the credentials.
          store(
              StoreSettings.ENV_CREDENTIALS_DIR,
              "credentialsSecret",
              s ->
                  s.credentialsSecret() == null
                      ? null
                      : ShardedDatabaseResources.BACKUP_STORE_CREDENTIALS_MOUNT),
          // The store's private CA (BackupStoreFiles), trusted besides the JVM's default CAs.
          store(
              StoreSettings.ENV_CA_FILE,
              "caSecret",
              s ->
                  s.caSecret() == null
                      ? null
                      : ShardedDatabaseResources.BACKUP_STORE_CA_MOUNT
                          + "/"
                          + StoreSettings.SECRET_CA),
          shardServer(
              "SHARDEDDB_BACKUP_DATABASE",
              "metadata.name",
              t -> store(t).map(s -> text(t.db().name())).orElse(null)),
          // The archive's owner (owner.json): another incarnation's archive is refused.
          shardServer(
              "SHARDEDDB_BACKUP_DATABASE_UID",
              "metadata.uid",
              t -> store(t).map(s -> text(t.db().uid())).orElse(null)),
          shardServer(
              "SHARDEDDB_BACKUP_DATABASE_NAMESPACE",
              "metadata.namespace",
              t -> store(t).map(s -> text(t.db().namespace())).orElse(null)),
          shardServer(
              "SHARDEDDB_BACKUP_ARCHIVE_INTERVAL",
              "spec.backup.archiveIntervalSeconds",
              t ->
                  store(t)
                      .map(
                          s -> text(t.db().spec().backup().archiveIntervalSecondsOrDefault() + "s"))
                      .orElse(null)),
          restore("SHARDEDDB_RESTORE_SOURCE", FROM + "source", (t, from) -> from.source()),
          // Each shard restores its own shard's backups.
          restore("SHARDEDDB_RESTORE_SHARD", "spec.shards[].id", (t, from) -> t.shard()),
          restore("SHARDEDDB_RESTORE_BACKUP", FROM + "backup", (t, from) -> from.backup()),
          restore(
              "SHARDEDDB_RESTORE_TIME",
              FROM + "time",
              (t, from) ->
                  from.time() == null ? null : "" + FromBackupSpec.epochMillis(from.time())),
          restore("SHARDEDDB_RESTORE_POINT", FROM + "restorePoint", (t, f) -> f.restorePoint()),
          restore(
              "SHARDEDDB_RESTORE_TIMESTAMP",
              FROM + "timestamp",
              (t, f) -> f.timestamp() == null ? null : "" + f.timestamp()),
          // TLS (added by TlsPods with the certificate volume); none with spec.tls.enabled false.
          shardServerTls("SHARDEDDB_TLS_ENABLED", TLS + "enabled", tls -> text("true")),
          shardServerTls(
              "SHARDEDDB_TLS_DIR",
              TLS + "enabled",
              tls -> text(ShardedDatabaseResources.TLS_MOUNT)),
          // The server picks its own <pod>.crt/.key from its shard's Secret.
          shardServerTls("SHARDEDDB_TLS_POD_NAME", POD, tls -> new Value.FromPod("metadata.name")),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "schema", "spec.schema.columns"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "columns", "spec.schema.columns"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "indexes", "spec.schema.indexes"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "tables", "spec.schema.tables"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "table", "spec.schema.table"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "shardKey", "spec.schema.shardKey"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "primaryKey", "spec.schema.primaryKey"),
          listed(
              Process.SHARD_SERVER,
              Channel.CONFIG_CALL,
              "schemaVersion",
              "status.applied.schemaVersion"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "shards", "spec.shards[].id"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "low", "spec.shards[].low"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "size", "spec.shards[].size"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "sharding", "spec.sharding"),
          listed(Process.SHARD_SERVER, Channel.CONFIG_CALL, "ranges", "status.applied.shards"),
          listed(Process.SHARD_SERVER, Channel.ROLE_CALL, "writeQuorum", "spec.writeQuorum"),
          // MySQL, beside each shard-server. Passwords as files of the mounted Secret
          // (ShardModel.mysqlCredentialsVolume), read by the image at initialisation: none in the
          // environment (/proc/<pid>/environ, `kubectl describe`), as CloudNativePG mounts them.
          mysql(
              "MYSQL_ROOT_PASSWORD_FILE",
              MYSQL_SECRET,
              fixed(mysqlCredentialFile(SecretKeys.MYSQL_ROOT_PASSWORD))),
          // Without it the image creates root@'%'.
          mysql("MYSQL_ROOT_HOST", OPERATOR, fixed("localhost")),
          mysql("MYSQL_USER", MYSQL_SECRET, mysqlSecret(SecretKeys.MYSQL_USERNAME)),
          mysql(
              "MYSQL_PASSWORD_FILE",
              MYSQL_SECRET,
              fixed(mysqlCredentialFile(SecretKeys.MYSQL_PASSWORD))),
          mysql("MYSQL_DATABASE", OPERATOR, fixed(ShardedDatabaseResources.MYSQL_DATABASE)),
          // It listens on 127.0.0.1 only (the shard-server is its only client), root logs in from
          // localhost only, and the binary log is off (the shard-server keeps its own log).
          args("--bind-address", OPERATOR, t -> List.of("--bind-address=127.0.0.1")),
          args("--skip-log-bin", OPERATOR, t -> List.of("--skip-log-bin")),
          args("--skip-name-resolve", OPERATOR, t -> List.of("--skip-name-resolve")),
          args("--innodb-buffer-pool-size", "spec.resources.mysql", SettingsTable::bufferPool),
          // The operator's own arguments use dashes, the user's underscores: local mode tells them
          // apart that way (MysqlParameters.fromServerArgs). SpecValidator refused the spec before
          // any invalid parameter could get here.
          args(
              "--<parameter>",
              "spec.mysql.parameters",
              t -> MysqlParameters.serverArgs(mysqlParameters(t))),
          // The router.
          router("MICRONAUT_SERVER_PORT", OPERATOR, fixed(ROUTER_PORT)),
          router("SHARDEDDB_MANAGEMENT_PORT", OPERATOR, fixed(MANAGEMENT_PORT)),
          router("SHARDEDDB_ROUTER_TOPOLOGY_SOURCE", OPERATOR, fixed("kubernetes")),
          router("SHARDEDDB_ROUTER_DATABASE", "metadata.name", t -> text(t.db().name())),
          router("SHARDEDDB_ROUTER_NAMESPACE", "metadata.namespace", pod("metadata.namespace")),
          router(
              "SHARDEDDB_ROUTER_AUTH_ENABLED",
              "spec.router.auth.enabled",
              t -> text("" + t.db().spec().routerOrDefault().authEnabled())),
          // Files of the mounted Secret (RouterModel.tokenVolume), read again as they change; no
          // token in the environment. Both keys are required: the data token never stands in for
          // the admin token. A user's Secret without 'admin-token' keeps the pod from starting,
          // and SpecValidator says why in a condition.
          router(
              "SHARDEDDB_ROUTER_AUTH_TOKEN_FILE",
              ROUTER_SECRET,
              fixed(RouterModel.tokenFile(SecretKeys.TOKEN))),
          router(
              "SHARDEDDB_ROUTER_AUTH_ADMIN_TOKEN_FILE",
              ROUTER_SECRET,
              fixed(RouterModel.tokenFile(SecretKeys.ADMIN_TOKEN))),
          // The router reads it as shardeddb.router.auth.overlap (a Duration: "300s").
          router(
              "SHARDEDDB_ROUTER_AUTH_OVERLAP",
              "spec.router.auth.tokenOverlapSeconds",
              t -> text(t.db().spec().routerOrDefault().tokenOverlapSeconds() + "s")),
          router(
              "SHARDEDDB_ROUTER_AUTH_OPEN_ADMIN_FOR_ASSIGNMENT",
              "spec.router.auth.openAdminForAssignment",
              t -> text("" + t.db().spec().routerOrDefault().openAdminForAssignment())),
          // The router reads them as shardeddb.router.reads.* (docs/router.md, "Consistency").
          router(
              "SHARDEDDB_ROUTER_READS_CONSISTENCY",
              "spec.router.reads.consistency",
              t ->
                  text(
                      t.db()
                          .spec()
                          .routerOrDefault()
                          .readsOrDefault()
                          .consistencyOrDefault()
                          .name()
                          .toLowerCase(java.util.Locale.ROOT))),
          router(
              "SHARDEDDB_ROUTER_READS_MAX_STALENESS",
              "spec.router.reads.maxStaleness",
              t -> text(t.db().spec().routerOrDefault().readsOrDefault().maxStalenessOrDefault())),
          router(
              "SHARDEDDB_ROUTER_SHARD_AUTH_DIR",
              OPERATOR,
              t ->
                  text(
                      t.dataCredential()
                          ? ShardedDatabaseResources.SHARD_DATA_AUTH_MOUNT
                          : ShardedDatabaseResources.SHARD_AUTH_MOUNT)),
          router("SHARDEDDB_METRICS_AUTH_DIR", OPERATOR, fixed(METRICS_AUTH)),
          router("JDK_JAVA_OPTIONS", OPERATOR, fixed(PodParts.JVM_OPTIONS)),
          router("SHARDEDDB_LOG_FORMAT", "spec.logging.format", SettingsTable::logFormat),
          router("SHARDEDDB_LOG_LEVEL", "spec.logging.level", SettingsTable::logLevel),
          router("SHARDEDDB_LOG_DATABASE", "metadata.name", t -> text(t.db().name())),
          router("SHARDEDDB_LOG_POD", POD, pod("metadata.name")),
          router("OTEL_EXPORTER_OTLP_ENDPOINT", OPERATOR, SettingsTable::tracesEndpoint),
          // Shard hops stay TLS with routerPlainHttp; only the client port goes plain.
          routerTls(
              "SHARDEDDB_ROUTER_TLS_DIR",
              TLS + "enabled",
              tls -> text(ShardedDatabaseResources.TLS_MOUNT)),
          routerTls(
              "SHARDEDDB_ROUTER_SERVE_TLS",
              TLS + "routerPlainHttp",
              tls -> text("" + !tls.routerPlainHttpOrDefault())),
          routerTls(
              "SHARDEDDB_ROUTER_SERVER_TLS_DIR",
              TLS + "routerCertificateSecret",
              tls ->
                  TlsPods.servesUsersCertificate(tls)
                      ? text(ShardedDatabaseResources.ROUTER_SERVER_TLS_MOUNT)
                      : null),
          listed(
              Process.ROUTER,
              Channel.RESOURCE,
              "topology",
              "spec.schema, spec.shards, spec.replicas, spec.writeQuorum, spec.servers, status"),
          // The database ConfigMap, for people.
          people("database", "metadata.name", t -> text(t.db().name())),
          people(
              "writeQuorum",
              "spec.writeQuorum",
              t -> text(t.db().spec().writeQuorumOrDefault().name())),
          people("schema.json", "spec.schema", t -> text(json(t.db().spec().schema()))),
          people("shards.json", "spec.shards, spec.replicas", t -> text(json(t.db().shards()))));

  private SettingsTable() {}

  /** The environment of {@code process}'s container for {@code target}, in the table's order. */
  public static List<EnvVar> env(Process process, Target target) {
    return env(process, Channel.ENV, target);
  }

  /**
   * The variables of {@code process} through {@code channel} ({@link Channel#ENV}, or {@link
   * Channel#TLS_ENV} for {@code cert/TlsPods}) for {@code target}, in the table's order.
   */
  public static List<EnvVar> env(Process process, Channel channel, Target target) {
    List<EnvVar> env = new ArrayList<>();
    for (Setting s : built(process, channel)) {
      EnvVar var = envVar(s.name(), s.value().apply(target));
      if (var != null) {
        env.add(var);
      }
    }
    return env;
  }

  /** The variable {@code name} set to {@code value}; null when it is not emitted. */
  private static EnvVar envVar(String name, Value value) {
    EnvVarBuilder var = new EnvVarBuilder().withName(name);
    return switch (value) {
      case null -> null;
      case Value.Text t when t.text() == null || t.text().isBlank() -> null;
      case Value.Text t -> var.withValue(t.text()).build();
      case Value.FromSecret f ->
          var.withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(f.secret())
              .withKey(f.key())
              .endSecretKeyRef()
              .endValueFrom()
              .build();
      case Value.FromPod p ->
          var.withNewValueFrom()
              .withNewFieldRef()
              .withFieldPath(p.fieldPath())
              .endFieldRef()
              .endValueFrom()
              .build();
      case Value.Args a ->
          throw new IllegalStateException(name + " is an environment variable, not arguments");
    };
  }

  /** The command-line arguments of {@code process}'s container for {@code target}. */
  public static List<String> args(Process process, Target target) {
    List<String> args = new ArrayList<>();
    for (Setting s : built(process, Channel.ARGS)) {
      if (s.value().apply(target) instanceof Value.Args a) {
        args.addAll(a.args());
      }
    }
    return args;
  }

  /** The data of the database ConfigMap, in the table's order. */
  public static Map<String, String> configMapData(DatabaseModel db) {
    Map<String, String> data = new LinkedHashMap<>();
    for (Setting s : built(Process.PEOPLE, Channel.CONFIG_MAP)) {
      if (s.value().apply(new Target(db, null, true)) instanceof Value.Text t) {
        data.put(s.name(), t.text());
      }
    }
    return data;
  }

  /** The rows of {@code process} through {@code channel}, in order. */
  public static List<Setting> rows(Process process, Channel channel) {
    return ROWS.stream().filter(s -> s.process() == process && s.channel() == channel).toList();
  }

  private static List<Setting> built(Process process, Channel channel) {
    return rows(process, channel).stream().filter(Setting::hasValue).toList();
  }

  private static Setting row(
      Process process, Channel channel, String name, String field, Function<Target, Value> value) {
    return new Setting(process, channel, name, field, value);
  }

  private static Setting shardServer(String name, String field, Function<Target, Value> value) {
    return row(Process.SHARD_SERVER, Channel.ENV, name, field, value);
  }

  private static Setting mysql(String name, String field, Function<Target, Value> value) {
    return row(Process.MYSQL, Channel.ENV, name, field, value);
  }

  private static Setting router(String name, String field, Function<Target, Value> value) {
    return row(Process.ROUTER, Channel.ENV, name, field, value);
  }

  private static Setting people(String name, String field, Function<Target, Value> value) {
    return row(Process.PEOPLE, Channel.CONFIG_MAP, name, field, value);
  }

  private static Setting args(String name, String field, Function<Target, List<String>> args) {
    return row(Process.MYSQL, Channel.ARGS, name, field, t -> new Value.Args(args.apply(t)));
  }

  private static Setting shardServerTls(String name, String field, Function<TlsSpec, Value> value) {
    return row(Process.SHARD_SERVER, Channel.TLS_ENV, name, field, tls(value));
  }

  private static Setting routerTls(String name, String field, Function<TlsSpec, Value> value) {
    return row(Process.ROUTER, Channel.TLS_ENV, name, field, tls(value));
  }

  /** A value from {@code spec.tls}, emitted only when TLS is on. */
  private static Function<Target, Value> tls(Function<TlsSpec, Value> value) {
    return t -> {
      TlsSpec tls = t.db().spec().tlsOrDefault();
      return tls.enabledOrDefault() ? value.apply(tls) : null;
    };
  }

  private static Setting listed(Process process, Channel channel, String name, String field) {
    return row(process, channel, name, field, null);
  }

  /** A field of {@code spec.backup.store}, emitted only when the database has a store. */
  private static Setting store(String name, String field, Function<BackupStoreSpec, String> get) {
    return shardServer(
        name, STORE + field, t -> store(t).map(s -> text(get.apply(s))).orElse(null));
  }

  /** A field of {@code spec.bootstrap.fromBackup}, emitted only with a store and a restore. */
  private static Setting restore(
      String name, String field, BiFunction<Target, FromBackupSpec, String> get) {
    return shardServer(
        name,
        field,
        t -> {
          FromBackupSpec from = t.db().spec().restoreSource();
          return store(t).isEmpty() || from == null ? null : text(get.apply(t, from));
        });
  }

  private static Optional<BackupStoreSpec> store(Target t) {
    BackupSpec backup = t.db().spec().backup();
    return Optional.ofNullable(backup == null ? null : backup.store());
  }

  /** Half the memory limit, unless the user set {@code innodb_buffer_pool_size} themselves. */
  private static List<String> bufferPool(Target t) {
    if (mysqlParameters(t).containsKey("innodb_buffer_pool_size")) {
      return List.of();
    }
    return PodParts.memoryLimitMib(ShardModel.mysqlResources(t.db()))
        .map(mib -> List.of("--innodb-buffer-pool-size=" + Math.max(32, mib / 2) + "M"))
        .orElse(List.of());
  }

  /** The spec's log format, else JSON: pods in a cluster log for a collector. */
  private static Value logFormat(Target t) {
    String format = t.db().spec().loggingOrDefault().format();
    return text(format == null ? LoggingSpec.DEFAULT_FORMAT : format);
  }

  /** The operator's traces collector ({@code shardeddb.traces.otlp-endpoint}); none when off. */
  private static Value tracesEndpoint(Target t) {
    String endpoint = t.db().network().tracesEndpoint();
    return endpoint == null ? null : text(endpoint);
  }

  /** The spec's log level; none (the process's info) when absent. */
  private static Value logLevel(Target t) {
    return text(t.db().spec().loggingOrDefault().level());
  }

  private static Map<String, String> mysqlParameters(Target t) {
    return t.db().spec().mysqlOrDefault().parametersOrEmpty();
  }

  private static Function<Target, Value> mysqlSecret(String key) {
    return t -> secret(t.db().mysqlSecret(), key);
  }

  /** A key of the MySQL credentials Secret as the file both shard pod containers mount. */
  private static String mysqlCredentialFile(String key) {
    return ShardedDatabaseResources.MYSQL_CREDENTIALS_MOUNT + "/" + key;
  }

  private static Function<Target, Value> fixed(String value) {
    return t -> new Value.Text(value);
  }

  private static Function<Target, Value> pod(String fieldPath) {
    return t -> new Value.FromPod(fieldPath);
  }

  private static Value text(String value) {
    return new Value.Text(value);
  }

  private static Value secret(String secret, String key) {
    return new Value.FromSecret(secret, key);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
