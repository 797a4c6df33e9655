package io.shardeddb.router.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.topology.WriteQuorum;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every {@code shardeddb.router.*} setting, typed, each with its default here (docs/settings.md
 * lists them with a description; {@code RouterSettingsDocumentationTest} keeps that list true).
 * Environment variables map as usual in Micronaut: {@code SHARDEDDB_ROUTER_AUTH_TOKEN} is {@code
 * shardeddb.router.auth.token}.
 */
@ConfigurationProperties("shardeddb.router")
public record RouterSettings(
    @Bindable(defaultValue = "shardeddb") String database,
    @Bindable(defaultValue = "default") String namespace,
    @Nullable String localAddress,
    Topology topology,
    Auth auth,
    ShardAuth shardAuth,
    Admin admin,
    Standalone standalone,
    Retry retry,
    // Top level, as docs/resharding.md names it: shardeddb.router.moved-retry-timeout.
    @Bindable(defaultValue = "10s") Duration movedRetryTimeout,
    Heartbeat heartbeat,
    Coalesce coalesce,
    // Top level, as it has been set since the data stream came (docs/router.md, "Data stream").
    @Bindable(defaultValue = "stream") String shardTransport,
    Timestamps timestamps,
    StreamTransport shardStream,
    Sql sql,
    Mysql mysql,
    Kubernetes kubernetes,
    Reads reads) {

  /** {@code shardeddb.router.shard-transport}'s values: the data stream, or HTTP only. */
  public static final String STREAM = "stream";

  public static final String HTTP = "http";

  public RouterSettings {
    localAddress = blank(localAddress);
    String transport =
        shardTransport == null ? STREAM : shardTransport.trim().toLowerCase(Locale.ROOT);
    if (!transport.equals(STREAM) && !transport.equals(HTTP)) {
      throw new IllegalArgumentException(
          "shardeddb.router.shard-transport must be 'stream' or 'http', not '"
              + shardTransport
              + "'");
    }
    shardTransport = transport;
  }

  /** Whether data calls may go over the data stream ({@code shard-transport=stream}). */
  public boolean streamTransport() {
    return STREAM.equals(shardTransport);
  }

  /** {@code shardeddb.router.topology.*}: where the routing topology comes from. */
  @ConfigurationProperties("topology")
  public record Topology(
      @Bindable(defaultValue = "standalone") String source,
      @Nullable String file,
      @Bindable(defaultValue = "1s") Duration filePoll) {
    public Topology {
      file = blank(file);
    }
  }

  /**
   * {@code shardeddb.router.auth.*}: the bearer tokens clients present. {@code enabled} guards the
   * data endpoints; the admin endpoints always need the admin token (never the data token) unless
   * {@code open-admin-for-assignment} opens them for the assignment's course client. Each token is
   * a file ({@code token-file}, {@code admin-token-file}: the mounted Secret the operator gives
   * routers, read again every {@code refresh}, the replaced value accepted for {@code overlap}
   * after a change) or a value ({@code token}, {@code admin-token}: standalone and local use).
   */
  @ConfigurationProperties("auth")
  public record Auth(
      @Bindable(defaultValue = "true") boolean enabled,
      @Nullable String token,
      @Nullable String tokenFile,
      @Nullable String adminToken,
      @Nullable String adminTokenFile,
      @Bindable(defaultValue = "false") boolean openAdminForAssignment,
      @Bindable(defaultValue = "2s") Duration refresh,
      @Bindable(defaultValue = "5m") Duration overlap) {
    public Auth {
      token = blank(token);
      tokenFile = blank(tokenFile);
      adminToken = blank(adminToken);
      adminTokenFile = blank(adminTokenFile);
      if (refresh == null || !refresh.isPositive()) {
        throw new IllegalArgumentException(
            "shardeddb.router.auth.refresh must be a positive duration, not " + refresh);
      }
      if (overlap == null || overlap.isNegative()) {
        throw new IllegalArgumentException(
            "shardeddb.router.auth.overlap must be zero or a positive duration, not " + overlap);
      }
    }

    /** Token values with the admin endpoints guarded (no opt-in, no files). */
    public Auth(boolean enabled, String token, String adminToken) {
      this(enabled, token, null, adminToken, null, false, DEFAULT_REFRESH, DEFAULT_OVERLAP);
    }

    /** The same settings with {@code token} as the data token's value. */
    public Auth withToken(String token) {
      return new Auth(
          enabled,
          token,
          tokenFile,
          adminToken,
          adminTokenFile,
          openAdminForAssignment,
          refresh,
          overlap);
    }

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);
    static final Duration DEFAULT_OVERLAP = Duration.ofMinutes(5);
  }

  /** {@code shardeddb.router.shard-auth.*}: the credential the router sends to shard-servers. */
  @ConfigurationProperties("shard-auth")
  public record ShardAuth(@Nullable String credentialsDir, @Nullable String token) {
    public ShardAuth {
      credentialsDir = blank(credentialsDir);
      token = blank(token);
    }
  }

  /** {@code shardeddb.router.admin.*}: the admin endpoints in a cluster. */
  @ConfigurationProperties("admin")
  public record Admin(@Bindable(defaultValue = "120s") Duration readyTimeout) {}

  /** {@code shardeddb.router.standalone.*}: the router managing shard-servers itself. */
  @ConfigurationProperties("standalone")
  public record Standalone(
      @Nullable List<String> shardServers,
      @Bindable(defaultValue = "Majority") WriteQuorum writeQuorum) {
    public Standalone {
      shardServers = shardServers == null ? List.of() : List.copyOf(shardServers);
    }
  }

  /** {@code shardeddb.router.retry.*}: retrying a request across a failover. */
  @ConfigurationProperties("retry")
  public record Retry(@Bindable(defaultValue = "10s") Duration timeout) {}

  /** {@code shardeddb.router.heartbeat.*}: how the router checks shard-servers' health. */
  @ConfigurationProperties("heartbeat")
  public record Heartbeat(@Bindable(defaultValue = "1s") Duration interval) {}

  /**
   * {@code shardeddb.router.coalesce.*}: concurrent writes and point reads to one shard-server sent
   * together in one request (docs/router.md, "Coalescing").
   */
  @ConfigurationProperties("coalesce")
  public record Coalesce(
      @Bindable(defaultValue = "true") boolean enabled,
      @Bindable(defaultValue = "64") int maxBatch,
      @Bindable(defaultValue = "1") int maxInFlight) {
    public Coalesce {
      if (maxBatch < 1 || maxInFlight < 1) {
        throw new IllegalArgumentException(
            "shardeddb.router.coalesce.max-batch and max-in-flight must be at least 1");
      }
    }
  }

  /**
   * {@code shardeddb.router.timestamps.*}: global timestamps (DESIGN §11, docs/timestamps.md):
   * every write carries a slot from the timestamp oracle (the primary of the shard owning the
   * lowest point), fetched after the write arrived; {@code wait} is how long a write waits for the
   * oracle (its shard failing over) before a 503. Off: shard-servers stamp entries above their own
   * log's last, ordered within a shard only.
   */
  @ConfigurationProperties("timestamps")
  public record Timestamps(
      @Bindable(defaultValue = "true") boolean enabled,
      @Bindable(defaultValue = "10s") Duration oracleWait) {}

  /**
   * {@code shardeddb.router.shard-stream.*}: the data stream to shard-servers while it is up
   * (docs/router.md, "Data stream"); {@code max-in-flight} coalesced requests in flight to one
   * shard-server over it ({@code coalesce.max-in-flight} while its calls go over HTTP).
   */
  @ConfigurationProperties("shard-stream")
  public record StreamTransport(@Bindable(defaultValue = "4") int maxInFlight) {
    public StreamTransport {
      if (maxInFlight < 1) {
        throw new IllegalArgumentException(
            "shardeddb.router.shard-stream.max-in-flight must be at least 1, not " + maxInFlight);
      }
    }
  }

  /**
   * {@code shardeddb.router.sql.*}: how much one {@code /query} or MySQL protocol statement may
   * cost the router, and how long and how many scans at once per credential (docs/sql.md,
   * "Limits").
   */
  @ConfigurationProperties("sql")
  public record Sql(
      @Bindable(defaultValue = "10000") int maxResultRows,
      @Bindable(defaultValue = "16777216") long maxResultBytes,
      @Bindable(defaultValue = "10000") int maxRowsPerWrite,
      @Bindable(defaultValue = "2s") Duration parseTimeout,
      @Bindable(defaultValue = "2") int parserThreads,
      @Bindable(defaultValue = "32") int parserQueue,
      @Bindable(defaultValue = "30s") Duration statementTimeout,
      @Bindable(defaultValue = "8") int maxConcurrentScans,
      @Bindable(defaultValue = "1000") long pointKeys) {
    public Sql {
      if (parserThreads < 1 || parserQueue < 1) {
        throw new IllegalArgumentException(
            "shardeddb.router.sql.parser-threads and parser-queue must be at least 1");
      }
      // The statement limits check their own values (StatementLimits), naming the setting.
    }
  }

  /**
   * {@code shardeddb.router.mysql.*}: the MySQL protocol listener (docs/sql.md, "MySQL protocol"):
   * on {@code port} of the client port's address when {@code enabled} ({@code -1}: a free port, for
   * tests), with {@code data-user} taking the data token as its password and {@code admin-user} the
   * admin token, at most {@code max-connections} clients at once.
   */
  @ConfigurationProperties("mysql")
  public record Mysql(
      @Bindable(defaultValue = "true") boolean enabled,
      @Bindable(defaultValue = "" + ShardedDatabaseResources.ROUTER_MYSQL_PORT) int port,
      @Bindable(defaultValue = ShardedDatabaseResources.ROUTER_MYSQL_DATA_USER) String dataUser,
      @Bindable(defaultValue = ShardedDatabaseResources.ROUTER_MYSQL_ADMIN_USER) String adminUser,
      @Bindable(defaultValue = "1000") int maxConnections) {
    public Mysql {
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "shardeddb.router.mysql.max-connections must be at least 1");
      }
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException(
            "shardeddb.router.mysql.port must be a port (1-65535), or -1 for a free one");
      }
      if (dataUser == null || dataUser.isBlank() || adminUser == null || adminUser.isBlank()) {
        throw new IllegalArgumentException(
            "shardeddb.router.mysql.data-user and admin-user must not be empty");
      }
      if (dataUser.equals(adminUser)) {
        throw new IllegalArgumentException(
            "shardeddb.router.mysql.data-user and admin-user must differ");
      }
    }
  }

  /**
   * {@code shardeddb.router.reads.*}: the consistency of a {@code /read}, and of a {@code /query}
   * SELECT, that names none ({@code primary} or {@code bounded}; the operator sets it from {@code
   * spec.router.reads}), and the {@code maxStalenessMs} of a bounded read that names none
   * (docs/router.md, "Consistency").
   */
  @ConfigurationProperties("reads")
  public record Reads(
      @Bindable(defaultValue = "primary") String consistency,
      @Bindable(defaultValue = "1s") Duration maxStaleness) {
    public Reads {
      String c = consistency == null ? "primary" : consistency.trim().toLowerCase(Locale.ROOT);
      if (!c.equals("primary") && !c.equals("bounded")) {
        throw new IllegalArgumentException(
            "shardeddb.router.reads.consistency must be 'primary' or 'bounded', not '"
                + consistency
                + "'");
      }
      consistency = c;
      if (maxStaleness == null) {
        maxStaleness = Duration.ofSeconds(1);
      }
      if (maxStaleness.toMillis() < 1
          || maxStaleness.toMillis() > ReadConsistency.MAX_STALENESS_MS) {
        throw new IllegalArgumentException(
            "shardeddb.router.reads.max-staleness must be from 1ms to 1h, not " + maxStaleness);
      }
    }

    /** The consistency of a read that names none. */
    public ReadConsistency defaultConsistency() {
      return ReadConsistency.parse(consistency);
    }

    /** The bound of a bounded read that names none, in milliseconds. */
    public long maxStalenessMs() {
      return maxStaleness.toMillis();
    }

    /**
     * The consistency of a read whose {@code "consistency"} field is {@code field}: the field's
     * (400 when it names no level), this setting's when absent.
     */
    public ReadConsistency consistencyOf(Object field) {
      return field == null ? defaultConsistency() : ReadConsistency.parse(field);
    }

    /**
     * The bound of a read at {@code level} whose {@code "maxStalenessMs"} field is {@code field}:
     * the field's (1 ms to one hour), this setting's when absent; 400 when the field is given to a
     * read that is not {@code bounded}, where it would mean nothing.
     */
    public long boundOf(Object field, ReadConsistency level) {
      if (field != null && level != ReadConsistency.BOUNDED) {
        throw new InvalidRequestException(
            "field 'maxStalenessMs' applies only to \"consistency\":\"bounded\" (this read is "
                + level.jsonName()
                + ")");
      }
      return ReadConsistency.maxStalenessMs(field, maxStalenessMs());
    }
  }

  /** {@code shardeddb.router.kubernetes.*}: the API server the topology source talks to. */
  @ConfigurationProperties("kubernetes")
  public record Kubernetes(@Nullable String masterUrl) {
    public Kubernetes {
      masterUrl = blank(masterUrl);
    }
  }

  // Environment placeholders such as ${X:} resolve to "", which means unset, as before.
  private static String blank(String s) {
    return s == null ? "" : s;
  }
}
