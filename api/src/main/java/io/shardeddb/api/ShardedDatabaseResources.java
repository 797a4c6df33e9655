package io.shardeddb.api;

import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import java.util.List;

/**
 * Every name the operator gives to what it owns. The reconciler, the dependents, the tests and the
 * local runner all call these, so a name is decided in exactly one place.
 */
public final class ShardedDatabaseResources {

  /** The shard-server's HTTP port in every pod. */
  public static final int SHARD_SERVER_PORT = 8081;

  /**
   * The shard-server's binary stream port ({@code shardeddb.replication.stream-port}): primaries'
   * replication channels to their secondaries and routers' data channels; only the database's shard
   * and router pods connect to it, each channel with its own identity.
   */
  public static final int REPLICATION_STREAM_PORT = 8083;

  /** The router's HTTP port. */
  public static final int ROUTER_PORT = 8080;

  /**
   * The router's MySQL protocol port ({@code shardeddb.router.mysql.port}'s default; docs/sql.md,
   * "MySQL protocol"), named {@code mysql} on the router's container and Service.
   */
  public static final int ROUTER_MYSQL_PORT = 3306;

  /** The MySQL user whose password is the router's data token (the router's default). */
  public static final String ROUTER_MYSQL_DATA_USER = "sdb";

  /** The MySQL user whose password is the router's admin token (the router's default). */
  public static final String ROUTER_MYSQL_ADMIN_USER = "sdb_admin";

  /**
   * Shard-servers' and routers' management port ({@code SHARDEDDB_MANAGEMENT_PORT}, named {@value
   * #MANAGEMENT_PORT_NAME}): {@code /health}, {@code /health/liveness}, {@code /health/readiness}
   * and {@code /prometheus}, plain HTTP, nothing else; the API ports answer 404 for those paths.
   * Anonymous health is the status alone; the NetworkPolicies admit only the metrics scraper here
   * (kubelet probes come from the node). docs/security.md, "Management port".
   */
  public static final int MANAGEMENT_PORT = 8084;

  /** The container port name of {@link #MANAGEMENT_PORT}: probes and PodMonitors refer to it. */
  public static final String MANAGEMENT_PORT_NAME = "management";

  /** MySQL's port inside a shard pod (reached over localhost only). */
  public static final int MYSQL_PORT = 3306;

  /**
   * Where both containers of a shard pod mount the MySQL credentials Secret ({@code
   * spec.secrets.mysql}): the shard-server logs in with its {@code password} file and applies an
   * edited one (docs/security.md, "MySQL password rotation"); the mysql probes read it too.
   */
  public static final String MYSQL_CREDENTIALS_MOUNT = "/var/run/secrets/shardeddb/mysql";

  /**
   * Where the shard-server container mounts the backup store's credentials Secret ({@code
   * spec.backup.store.credentialsSecret}): files {@code accessKeyId} and {@code secretAccessKey},
   * read from {@code SHARDEDDB_BACKUP_CREDENTIALS_DIR}; no key in the environment.
   */
  public static final String BACKUP_STORE_CREDENTIALS_MOUNT =
      "/var/run/secrets/shardeddb/backup-store";

  /**
   * Where the shard-server container mounts {@code spec.backup.store.caSecret}: the file {@code
   * ca.crt}, named by {@code SHARDEDDB_BACKUP_CA_FILE}.
   */
  public static final String BACKUP_STORE_CA_MOUNT = "/var/run/secrets/shardeddb/backup-store-ca";

  /** Where shard-server and router containers find the mounted shard credential Secret. */
  public static final String SHARD_AUTH_MOUNT = "/var/run/secrets/shardeddb/shard-auth";

  /**
   * Where shard-server and router pods mount the shard DATA credential Secret: the one identity the
   * router holds, accepted by shard-servers only on the data endpoints (docs/security.md).
   */
  public static final String SHARD_DATA_AUTH_MOUNT = "/var/run/secrets/shardeddb/shard-data-auth";

  /**
   * Where shard-server and router containers mount the scrape credential Secret ({@link
   * #metricsAuthSecretName}): {@code /prometheus} on the management port takes its {@code token}
   * (docs/security.md, "Management port").
   */
  public static final String METRICS_AUTH_MOUNT = "/var/run/secrets/shardeddb/metrics-auth";

  /**
   * Where shard-server and router containers mount the database's TLS Secret, projected as {@code
   * ca.crt}, {@code tls.crt}, {@code tls.key} for their own role (docs/security.md).
   */
  public static final String TLS_MOUNT = "/var/run/secrets/shardeddb/tls";

  /** Where router containers mount a user's certificate for clients ({@code spec.tls}). */
  public static final String ROUTER_SERVER_TLS_MOUNT =
      "/var/run/secrets/shardeddb/router-server-tls";

  /** The MySQL database (schema) every shard-server uses inside its own MySQL. */
  public static final String MYSQL_DATABASE = "shardeddb";

  /** The longest StatefulSet name whose pods still get a valid controller-revision-hash label. */
  public static final int MAX_STATEFULSET_NAME = 52;

  // The suffixes of the database's own objects, {@code <db>-<suffix>}. A shard's objects are
  // {@code <db>-<shard>[-tls]}, so a shard id may be none of these (RESERVED_SHARD_IDS): shard
  // "router" would share the router's Service, budget and policy. Names of two databases can still
  // meet ("shop" + shard "eu" and database "shop-eu"); OwnedNames lists a database's names so the
  // operator finds such a clash before it writes anything.

  /** {@code <db>-router}: the router's Deployment, Service, account, Role, binding, policy, PDB. */
  public static final String ROUTER_SUFFIX = "router";

  /** {@code <db>-config}. */
  public static final String CONFIG_SUFFIX = "config";

  /** {@code <db>-layout-request}. */
  public static final String LAYOUT_REQUEST_SUFFIX = "layout-request";

  /** {@code <db>-router-token}. */
  public static final String ROUTER_TOKEN_SUFFIX = "router-token";

  /** {@code <db>-mysql}. */
  public static final String MYSQL_SUFFIX = "mysql";

  /** {@code <db>-shard-auth}. */
  public static final String SHARD_AUTH_SUFFIX = "shard-auth";

  /** {@code <db>-shard-data-auth}. */
  public static final String SHARD_DATA_AUTH_SUFFIX = "shard-data-auth";

  /** {@code <db>-metrics}. */
  public static final String METRICS_SUFFIX = "metrics";

  /** {@code <db>-ca}. */
  public static final String CA_SUFFIX = "ca";

  /** {@code <db>-tls}; also what a shard's TLS Secret adds to its StatefulSet name. */
  public static final String TLS_SUFFIX = "tls";

  /**
   * The shard ids refused because a shard's names would read as (or be) the database's own: the
   * CRD's rule on {@code spec.shards[].id} ({@link #RESERVED_SHARD_IDS_CEL}) and SpecValidator both
   * use this list.
   */
  public static final List<String> RESERVED_SHARD_IDS =
      List.of(
          ROUTER_SUFFIX,
          CONFIG_SUFFIX,
          LAYOUT_REQUEST_SUFFIX,
          ROUTER_TOKEN_SUFFIX,
          MYSQL_SUFFIX,
          SHARD_AUTH_SUFFIX,
          SHARD_DATA_AUTH_SUFFIX,
          METRICS_SUFFIX,
          CA_SUFFIX,
          TLS_SUFFIX);

  /** {@link #RESERVED_SHARD_IDS} as a CEL list literal (a constant, for the CRD's rule). */
  public static final String RESERVED_SHARD_IDS_CEL =
      "['"
          + ROUTER_SUFFIX
          + "', '"
          + CONFIG_SUFFIX
          + "', '"
          + LAYOUT_REQUEST_SUFFIX
          + "', '"
          + ROUTER_TOKEN_SUFFIX
          + "', '"
          + MYSQL_SUFFIX
          + "', '"
          + SHARD_AUTH_SUFFIX
          + "', '"
          + SHARD_DATA_AUTH_SUFFIX
          + "', '"
          + METRICS_SUFFIX
          + "', '"
          + CA_SUFFIX
          + "', '"
          + TLS_SUFFIX
          + "']";

  private ShardedDatabaseResources() {}

  /** The StatefulSet (and pod-name prefix) of one shard. */
  public static String shardStatefulSetName(String db, String shardId) {
    return named(db, shardId);
  }

  /** {@code <owner>-<part>}: how every generated name is joined. */
  private static String named(String owner, String part) {
    return owner + "-" + part;
  }

  /** The headless Service of one shard (the StatefulSet's serviceName). */
  public static String shardServiceName(String db, String shardId) {
    return shardStatefulSetName(db, shardId);
  }

  /** The PodDisruptionBudget of one shard. */
  public static String shardPdbName(String db, String shardId) {
    return shardStatefulSetName(db, shardId);
  }

  /** The NetworkPolicy guarding one shard's pods. */
  public static String shardNetworkPolicyName(String db, String shardId) {
    return shardStatefulSetName(db, shardId);
  }

  /** The pod of replica {@code ordinal} of a shard. */
  public static String shardPodName(String db, String shardId, int ordinal) {
    return shardStatefulSetName(db, shardId) + "-" + ordinal;
  }

  /** The base URL of a shard-server reached at this pod IP, without TLS. */
  public static String shardServerUrl(String podIp) {
    return shardServerUrl(podIp, false);
  }

  /** The base URL of a shard-server reached at this pod IP, HTTPS when {@code tls}. */
  public static String shardServerUrl(String podIp, boolean tls) {
    return (tls ? "https://" : "http://") + podIp + ":" + SHARD_SERVER_PORT;
  }

  /** Whether {@code sdb} runs TLS on its internal hops (spec.tls.enabled, default true). */
  public static boolean tlsEnabled(ShardedDatabase sdb) {
    return spec(sdb).tlsOrDefault().enabledOrDefault();
  }

  /** Whether {@code sdb}'s router serves its clients HTTPS. */
  public static boolean routerServesTls(ShardedDatabase sdb) {
    return tlsEnabled(sdb) && !spec(sdb).tlsOrDefault().routerPlainHttpOrDefault();
  }

  /** The router Deployment, Service, ServiceAccount, Role, RoleBinding and NetworkPolicy. */
  public static String routerName(String db) {
    return named(db, ROUTER_SUFFIX);
  }

  /** The router's in-cluster endpoint, without TLS. */
  public static String routerEndpoint(String db, String namespace) {
    return routerEndpoint(db, namespace, false);
  }

  /** The router's in-cluster endpoint, HTTPS when {@code tls}. */
  public static String routerEndpoint(String db, String namespace, boolean tls) {
    return (tls ? "https://" : "http://")
        + routerName(db)
        + "."
        + namespace
        + ".svc:"
        + ROUTER_PORT;
  }

  /** The ConfigMap describing the database (schema and layout). */
  public static String configMapName(String db) {
    return named(db, CONFIG_SUFFIX);
  }

  /**
   * The ConfigMap through which the router asks for a layout change ({@code /init}, {@code /add},
   * {@code /rm}) and the operator answers ({@link LayoutRequest}); the operator creates and owns
   * it, the router may only read and update this one object.
   */
  public static String layoutRequestName(String db) {
    return named(db, LAYOUT_REQUEST_SUFFIX);
  }

  /** The Secret generated for the router token when the user names none. */
  public static String generatedRouterTokenSecretName(String db) {
    return named(db, ROUTER_TOKEN_SUFFIX);
  }

  /** The Secret generated for MySQL credentials when the user names none. */
  public static String generatedMysqlSecretName(String db) {
    return named(db, MYSQL_SUFFIX);
  }

  /**
   * The Secret holding the shard credential (key {@code token}, plus any keys kept during a
   * rotation); always generated, never overwritten.
   */
  public static String shardAuthSecretName(String db) {
    return named(db, SHARD_AUTH_SUFFIX);
  }

  /**
   * The shard data credential Secret: what routers send to shard-servers, accepted only on the data
   * endpoints ({@code /read}, {@code /write}, {@code /update}, {@code /del}, the batches and {@code
   * /heartbeat}); the operator and the peers use {@link #shardAuthSecretName}.
   */
  public static String shardDataAuthSecretName(String db) {
    return named(db, SHARD_DATA_AUTH_SUFFIX);
  }

  /**
   * The scrape credential Secret: {@code token}, generated once, that {@code /prometheus} on the
   * shard-servers' and routers' management port takes, and that the database's PodMonitor sends
   * (docs/monitoring.md). Keys an administrator adds for a rotation are kept and accepted.
   */
  public static String metricsAuthSecretName(String db) {
    return named(db, METRICS_SUFFIX);
  }

  /**
   * The Secret holding the database's CA certificate and key: read by the operator only, never
   * mounted into a pod (a node that runs a pod may read the Secrets its pods mount).
   */
  public static String caSecretName(String db) {
    return named(db, CA_SUFFIX);
  }

  /**
   * The Secret holding the router's certificate the CA issued ({@code router.crt/.key}) and {@code
   * ca.crt}; router pods mount it. (Shard-servers: {@link #shardTlsSecretName}.)
   */
  public static String tlsSecretName(String db) {
    return named(db, TLS_SUFFIX);
  }

  /**
   * The Secret of shard {@code shardId}'s per-pod certificates ({@code <pod>.crt/.key}, {@code
   * ca.crt}), mounted by its StatefulSet.
   */
  public static String shardTlsSecretName(String db, String shardId) {
    return named(shardStatefulSetName(db, shardId), TLS_SUFFIX);
  }

  /** The router token Secret in use: the user's, or the generated one. */
  public static String routerTokenSecretName(ShardedDatabase sdb) {
    String named = spec(sdb).secretsOrDefault().routerToken();
    return named != null ? named : generatedRouterTokenSecretName(sdb.getMetadata().getName());
  }

  /** The MySQL credentials Secret in use: the user's, or the generated one. */
  public static String mysqlSecretName(ShardedDatabase sdb) {
    String named = spec(sdb).secretsOrDefault().mysql();
    return named != null ? named : generatedMysqlSecretName(sdb.getMetadata().getName());
  }

  /** The spec, or an empty one (a resource created without spec awaits /init). */
  public static ShardedDatabaseSpec spec(ShardedDatabase sdb) {
    return sdb.getSpec() != null ? sdb.getSpec() : ShardedDatabaseSpec.builder().build();
  }
}
