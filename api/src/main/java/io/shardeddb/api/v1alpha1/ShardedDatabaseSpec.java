package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.util.List;
import java.util.Map;

/**
 * What the user wants: the table, its key-range shards and how each is replicated. A spec without
 * schema and shards is valid and waits for the router's {@code /init}.
 *
 * <p>The components with their descriptions and validation annotations are the CRD's schema (the
 * generator reads them here). Code builds or changes a spec with {@link #builder()} and {@link
 * #toBuilder()} (the with-methods call it), never by listing the components, so a new field is
 * added in this file only: its component, and its line in each part of the {@link Builder} (field,
 * copy, setter, {@code build()}); {@code RecordBuildersTest} fails when the Builder misses one.
 *
 * <p>Why this file is over 450 lines: the components are the CRD's schema (descriptions and
 * validation sit on them), and the Builder names each component four times so that no caller ever
 * lists them; splitting either would put one field in two files.
 */
@JsonClassDescription(
    "What the user wants: the table, its key-range shards and how each is replicated. A spec"
        + " without schema and shards is valid and waits for the router's /init.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.shards) || self.shards.all(s, self.shards.exists_one(t, t.id == s.id))",
    message = "shard ids must be unique")
@ValidationRule(
    value =
        "!has(self.shards) || self.shards.all(a, self.shards.all(b, a.id == b.id"
            + " || a.low + a.size <= b.low || b.low + b.size <= a.low))",
    message = "shard key ranges [low, low+size) must not overlap")
@ValidationRule(
    value = "!has(self.shards) || size(self.shards) == 0 || has(self.schema)",
    message = "shards need a schema: set spec.schema (or use the router's /init)")
@ValidationRule(
    value =
        "!has(self.sharding) || self.sharding != 'Hash' || !has(self.shards)"
            + " || self.shards.all(s, s.low + s.size <= 4294967296)",
    message = "under sharding Hash, shard ranges must lie in [0, 4294967296) (32-bit hashes)")
@ValidationRule(
    value = "!has(self.writeQuorum) || self.writeQuorum != 'One'",
    message =
        "spec.writeQuorum One is not allowed: a write the primary alone holds is lost with it;"
            + " use Majority (or All)")
// Transition rules (oldSelf): fields a running database cannot honour a change of. The operator
// checks the same against status.applied, for API servers without CEL (SpecValidator).
@ValidationRule(
    value =
        "!has(oldSelf.schema) || (has(self.schema) && self.schema.table == oldSelf.schema.table"
            + " && self.schema.shardKey == oldSelf.schema.shardKey"
            + " && oldSelf.schema.columns.all(c, !self.schema.columns.exists(d, d.name == c.name)"
            + " || self.schema.columns.exists(d, d == c)))",
    message =
        "spec.schema can only gain columns (at the end, each nullable or with a default) or drop"
            + " them: the table, the shard key and a stored column's definition cannot change")
@ValidationRule(
    value =
        "!has(oldSelf.shards) || size(oldSelf.shards) == 0"
            + " || (has(oldSelf.sharding) ? oldSelf.sharding : 'Range')"
            + " == (has(self.sharding) ? self.sharding : 'Range')",
    message = "spec.sharding cannot change once shards exist: every row's placement depends on it")
// spec.storage.size may grow (the operator expands the volumes) but not shrink; CEL compares
// quantities only from Kubernetes 1.29 on, so SpecValidator alone refuses a shrink.
@ValidationRule(
    value =
        "!has(oldSelf.storage) || (has(self.storage)"
            + " && has(self.storage.storageClassName) == has(oldSelf.storage.storageClassName)"
            + " && (!has(self.storage.storageClassName)"
            + " || self.storage.storageClassName == oldSelf.storage.storageClassName))",
    message =
        "spec.storage.storageClassName cannot change once set, nor spec.storage be removed:"
            + " the volumes were created in that class (spec.storage.size may grow)")
@ValidationRule(
    value =
        "!has(oldSelf.bootstrap) || (has(self.bootstrap) && self.bootstrap == oldSelf.bootstrap)",
    message = "spec.bootstrap cannot change once set: the database was created from it")
@ValidationRule(
    value = "!has(oldSelf.secrets) || (has(self.secrets) && self.secrets == oldSelf.secrets)",
    message = "spec.secrets cannot change once set: rotate credentials by editing the Secrets")
public record ShardedDatabaseSpec(
    @JsonPropertyDescription("The table every shard stores; absent until the router's /init.")
        SchemaSpec schema,
    @JsonPropertyDescription(
            "Shards and the ranges of points [low, low+size) they should own; absent or empty"
                + " until /init. Editing the ranges reshards the live database: the operator"
                + " moves the rows (status.resharding).")
        @Size(max = 64)
        List<ShardSpec> shards,
    @JsonPropertyDescription("Replicas per shard (one primary, the rest secondaries).")
        @Default("3")
        @Min(1)
        @Max(9)
        Integer replicas,
    @JsonPropertyDescription(
            "How many replicas must hold a write before it is acknowledged: Majority (default),"
                + " All, or Cabinet (the best-weighted majority: the primary and the replicas of"
                + " highest weight 1/(ack latency ms + lag + 1) as the primary measures them, still"
                + " a majority). One (the primary alone) is refused: a write acknowledged by the"
                + " primary alone is lost when it fails, against the durability the database"
                + " promises.")
        @Default("Majority")
        WriteQuorum writeQuorum,
    @JsonPropertyDescription("The volume each shard pod claims for its MySQL data.")
        StorageSpec storage,
    @JsonPropertyDescription("CPU/memory for the containers of shard pods and router pods.")
        ResourcesSpec resources,
    @JsonPropertyDescription("The router Deployment: replicas and API authentication.")
        RouterSpec router,
    @JsonPropertyDescription("When the operator promotes a new primary or replaces a pod.")
        FailoverSpec failover,
    @JsonPropertyDescription(
            "Names of existing Secrets to use; the operator generates the ones not named.")
        SecretsSpec secrets,
    @JsonPropertyDescription(
            "How a shard's replicas are kept apart: on different nodes (required by default) and"
                + " spread over zones (preferred by default).")
        PlacementSpec placement,
    @JsonPropertyDescription(
            "The assignment's server names and their shard ids, written by the router on /init"
                + " and /add; only echoed back in /status.")
        Map<String, List<String>> servers,
    @JsonPropertyDescription(
            "Range (default): shard ranges divide the shard key's values. Hash: they divide a"
                + " 32-bit hash of the key, [0, 4294967296), so keys spread evenly and splitting a"
                + " range moves only its keys. Cannot change once applied.")
        Sharding sharding,
    @JsonPropertyDescription(
            "Backups (docs/backup.md): the S3-compatible store, continuous archiving of the"
                + " committed log, scheduled base backups and their retention.")
        BackupSpec backup,
    @JsonPropertyDescription(
            "How the database starts: restored from another database's backup (a new database"
                + " only; it never overwrites one). Cannot change once applied.")
        BootstrapSpec bootstrap,
    @JsonPropertyDescription(
            "TLS on every hop (on by default): the operator's CA for this database, per-role"
                + " certificates, the router's client-facing certificate.")
        TlsSpec tls,
    @JsonPropertyDescription(
            "This database's container images, replacing the operator's one by one. A change"
                + " rolls the pods (shard primaries last, after a planned switch-over).")
        ImagesSpec images,
    @JsonPropertyDescription(
            "Settings of every pod of the database (shard and router pods): annotations,"
                + " nodeSelector, tolerations, affinity added to the operator's, priority class."
                + " A change rolls the pods like an image change.")
        PodsSpec pods,
    @JsonPropertyDescription(
            "The MySQL server of each shard pod: system variables (tuning only; the ones"
                + " durability and replication rely on are refused). A change rolls the pods.")
        MysqlSpec mysql,
    @JsonPropertyDescription(
            "How shard-servers and routers log: format (json by default, or plain) and level"
                + " (info by default). A change rolls the pods.")
        LoggingSpec logging) {

  /** The default replicas per shard when the field is absent. */
  public static final int DEFAULT_REPLICAS = 3;

  /** This spec with {@code schema} instead; every other field as it is. */
  public ShardedDatabaseSpec withSchema(SchemaSpec schema) {
    return toBuilder().schema(schema).build();
  }

  /** This spec with {@code shards} instead; every other field as it is. */
  public ShardedDatabaseSpec withShards(List<ShardSpec> shards) {
    return toBuilder().shards(shards).build();
  }

  /** This spec with the assignment's {@code servers} map instead; every other field as it is. */
  public ShardedDatabaseSpec withServers(Map<String, List<String>> servers) {
    return toBuilder().servers(servers).build();
  }

  /** This spec with {@code router} instead; every other field as it is. */
  public ShardedDatabaseSpec withRouter(RouterSpec router) {
    return toBuilder().router(router).build();
  }

  /** This spec with {@code backup} instead; every other field as it is. */
  public ShardedDatabaseSpec withBackup(BackupSpec backup) {
    return toBuilder().backup(backup).build();
  }

  /** This spec with {@code bootstrap} instead; every other field as it is. */
  public ShardedDatabaseSpec withBootstrap(BootstrapSpec bootstrap) {
    return toBuilder().bootstrap(bootstrap).build();
  }

  /** This spec with {@code images} instead; every other field as it is. */
  public ShardedDatabaseSpec withImages(ImagesSpec images) {
    return toBuilder().images(images).build();
  }

  /** This spec with {@code pods} instead; every other field as it is. */
  public ShardedDatabaseSpec withPods(PodsSpec pods) {
    return toBuilder().pods(pods).build();
  }

  /** This spec with {@code mysql} instead; every other field as it is. */
  public ShardedDatabaseSpec withMysql(MysqlSpec mysql) {
    return toBuilder().mysql(mysql).build();
  }

  /** An empty spec's builder: every field absent (null) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this spec: with {@link Builder#build()} the one place that lists every
   * component, so a new field is copied by every change without touching its callers.
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Sets some fields of a spec, keeping the others as they are; each setter is named for the
   * component it sets.
   */
  public static final class Builder {
    private SchemaSpec schema;
    private List<ShardSpec> shards;
    private Integer replicas;
    private WriteQuorum writeQuorum;
    private StorageSpec storage;
    private ResourcesSpec resources;
    private RouterSpec router;
    private FailoverSpec failover;
    private SecretsSpec secrets;
    private PlacementSpec placement;
    private Map<String, List<String>> servers;
    private Sharding sharding;
    private BackupSpec backup;
    private BootstrapSpec bootstrap;
    private TlsSpec tls;
    private ImagesSpec images;
    private PodsSpec pods;
    private MysqlSpec mysql;
    private LoggingSpec logging;

    private Builder() {}

    private Builder(ShardedDatabaseSpec from) {
      schema = from.schema;
      shards = from.shards;
      replicas = from.replicas;
      writeQuorum = from.writeQuorum;
      storage = from.storage;
      resources = from.resources;
      router = from.router;
      failover = from.failover;
      secrets = from.secrets;
      placement = from.placement;
      servers = from.servers;
      sharding = from.sharding;
      backup = from.backup;
      bootstrap = from.bootstrap;
      tls = from.tls;
      images = from.images;
      pods = from.pods;
      mysql = from.mysql;
      logging = from.logging;
    }

    public Builder schema(SchemaSpec value) {
      schema = value;
      return this;
    }

    public Builder shards(List<ShardSpec> value) {
      shards = value;
      return this;
    }

    public Builder replicas(Integer value) {
      replicas = value;
      return this;
    }

    public Builder writeQuorum(WriteQuorum value) {
      writeQuorum = value;
      return this;
    }

    public Builder storage(StorageSpec value) {
      storage = value;
      return this;
    }

    public Builder resources(ResourcesSpec value) {
      resources = value;
      return this;
    }

    public Builder router(RouterSpec value) {
      router = value;
      return this;
    }

    public Builder failover(FailoverSpec value) {
      failover = value;
      return this;
    }

    public Builder secrets(SecretsSpec value) {
      secrets = value;
      return this;
    }

    public Builder placement(PlacementSpec value) {
      placement = value;
      return this;
    }

    public Builder servers(Map<String, List<String>> value) {
      servers = value;
      return this;
    }

    public Builder sharding(Sharding value) {
      sharding = value;
      return this;
    }

    public Builder backup(BackupSpec value) {
      backup = value;
      return this;
    }

    public Builder bootstrap(BootstrapSpec value) {
      bootstrap = value;
      return this;
    }

    public Builder tls(TlsSpec value) {
      tls = value;
      return this;
    }

    public Builder images(ImagesSpec value) {
      images = value;
      return this;
    }

    public Builder pods(PodsSpec value) {
      pods = value;
      return this;
    }

    public Builder mysql(MysqlSpec value) {
      mysql = value;
      return this;
    }

    public Builder logging(LoggingSpec value) {
      logging = value;
      return this;
    }

    /** The spec. */
    public ShardedDatabaseSpec build() {
      return new ShardedDatabaseSpec(
          schema,
          shards,
          replicas,
          writeQuorum,
          storage,
          resources,
          router,
          failover,
          secrets,
          placement,
          servers,
          sharding,
          backup,
          bootstrap,
          tls,
          images,
          pods,
          mysql,
          logging);
    }
  }

  /** Pod settings, never null. */
  public PodsSpec podsOrDefault() {
    return pods == null ? new PodsSpec(null, null, null, null, null, null) : pods;
  }

  /** Logging settings, never null. */
  public LoggingSpec loggingOrDefault() {
    return logging == null ? new LoggingSpec(null, null) : logging;
  }

  /** MySQL settings, never null. */
  public MysqlSpec mysqlOrDefault() {
    return mysql == null ? new MysqlSpec(null) : mysql;
  }

  /** The restore this database starts from, or null. */
  public FromBackupSpec restoreSource() {
    return bootstrap == null ? null : bootstrap.fromBackup();
  }

  /** TLS settings, never null (TLS on by default). */
  public TlsSpec tlsOrDefault() {
    return tls == null ? new TlsSpec(null, null, null) : tls;
  }

  /** How keys map to points, the default ({@code Range}) when absent. */
  public Sharding shardingOrDefault() {
    return Sharding.orDefault(sharding);
  }

  /** Shards, never null. */
  public List<ShardSpec> shardsOrEmpty() {
    return shards == null ? List.of() : shards;
  }

  /** Replicas of this shard: its own override, else the database's, else the default. */
  public int replicasOf(ShardSpec shard) {
    if (shard.replicas() != null) {
      return shard.replicas();
    }
    return replicas == null ? DEFAULT_REPLICAS : replicas;
  }

  /** The write quorum, defaulting to Majority. */
  public WriteQuorum writeQuorumOrDefault() {
    return writeQuorum == null ? WriteQuorum.Majority : writeQuorum;
  }

  /** Storage settings, never null. */
  public StorageSpec storageOrDefault() {
    return storage == null ? new StorageSpec(null, null) : storage;
  }

  /** Resource settings, never null. */
  public ResourcesSpec resourcesOrDefault() {
    return resources == null ? new ResourcesSpec(null, null, null) : resources;
  }

  /** Router settings, never null. */
  public RouterSpec routerOrDefault() {
    return router == null ? new RouterSpec(null, null) : router;
  }

  /** Failover settings, never null. */
  public FailoverSpec failoverOrDefault() {
    return failover == null ? new FailoverSpec(null, null, null) : failover;
  }

  /** Placement settings, never null. */
  public PlacementSpec placementOrDefault() {
    return placement == null ? new PlacementSpec(null, null) : placement;
  }

  /** Secret names, never null. */
  public SecretsSpec secretsOrDefault() {
    return secrets == null ? new SecretsSpec(null, null) : secrets;
  }

  /** Whether the database has a schema and at least one shard (i.e. /init happened). */
  public boolean initialized() {
    return schema != null && !shardsOrEmpty().isEmpty();
  }
}
