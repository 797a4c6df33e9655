package io.shardeddb.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardeddb.operator.backup.ArchiveHealth;
import io.shardeddb.operator.backup.BackupScheduler;
import io.shardeddb.operator.backup.ShardedDatabaseBackupReconciler;
import io.shardeddb.operator.model.NetworkAccess;
import io.shardeddb.operator.reconciler.ActingShardClient;
import io.shardeddb.operator.reconciler.HeartbeatEventSource;
import io.shardeddb.operator.reconciler.ShardPlanner;
import io.shardeddb.operator.reconciler.ShardRemovalGuard;
import io.shardeddb.operator.reconciler.ShardedDatabaseReconciler;
import io.shardeddb.operator.reconciler.SpecValidator;
import io.shardeddb.operator.recopy.RecopyPolicy;
import io.shardeddb.operator.replacement.PodReplacementPolicy;
import io.shardeddb.operator.reshard.Resharder;
import io.shardeddb.operator.shardclient.HttpShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.status.DatabaseMetrics;
import io.shardeddb.operator.status.EventRecorder;
import io.shardeddb.operator.status.StatusAggregator;
import io.shardeddb.planner.pass.ShardActuator;
import io.shardeddb.planner.pass.ShardCoordinator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The ShardedDB operator, startable in-process: wires the reconciler and its collaborators into a
 * java-operator-sdk {@link Operator} on the given client, with optional leader election and a
 * metrics/health endpoint.
 */
public final class ShardedDbOperator implements AutoCloseable {

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DatabaseMetrics databaseMetrics;
  private final ExecutorService probes;
  private final ExecutorService polls;
  private final Operator operator;
  private ManagementServer management;
  private final BackupScheduler backupScheduler;
  private volatile boolean stopping;

  /** An operator on {@code client}; nothing runs until {@link #start()}. */
  public ShardedDbOperator(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.settings = settings;
    this.databaseMetrics = new DatabaseMetrics(registry, settings.clock());
    this.probes =
        Executors.newFixedThreadPool(
            settings.config().heartbeatThreads(),
            r -> {
              Thread t = new Thread(r, "shardeddb-heartbeat");
              t.setDaemon(true);
              return t;
            });
    // Heartbeat polls on threads of their own: a hung pod's poll never delays a fence or a role.
    this.polls =
        Executors.newFixedThreadPool(
            settings.config().heartbeatThreads(),
            r -> {
              Thread t = new Thread(r, "shardeddb-heartbeat-poll");
              t.setDaemon(true);
              return t;
            });
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(
                      new AggregatedMetrics(
                          List.of(
                              MicrometerMetrics.withoutPerResourceMetrics(registry),
                              databaseMetrics)))
                  // Plain create/update and merge patches: the same on a real API server and on
                  // the in-process mock server local mode runs against.
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .checkingCRDAndValidateLocalModel(false)
                  // An informer that stopped for good (its watch failed past its retries): the
                  // SDK's default System.exit(1)s from its thread — also while this operator
                  // stops and closes its client, and inside local mode's or a test's JVM. The
                  // settings decide, as for lost leadership: the container exits and restarts;
                  // in-process it is logged.
                  .withInformerStoppedHandler(
                      (informer, ex) -> {
                        if (ex == null || stopping) {
                          return;
                        }
                        org.slf4j.LoggerFactory.getLogger(ShardedDbOperator.class)
                            .error("an informer stopped: {}", ex.toString(), ex);
                        settings.onLostLeadership().run();
                      });
              if (settings.config().leaderElection()) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            OperatorSettings.LEASE_NAME)
                        .withLeaseNamespace(settings.config().leaseNamespace())
                        // Never System.exit from inside the SDK (stop() may run in a shutdown
                        // hook); losing leadership while running is the settings' decision.
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> {},
                                () -> {
                                  if (!stopping) {
                                    settings.onLostLeadership().run();
                                  }
                                },
                                leader -> {}))
                        .build());
              }
            });
    ArchiveHealth archives = new ArchiveHealth();
    this.backupScheduler =
        new BackupScheduler(
            client,
            settings.clock(),
            settings.config().watchNamespaces(),
            settings.shardServerClient(),
            archives);
    EventRecorder events =
        new EventRecorder(client, settings.clock(), databaseMetrics::eventRecorded);
    HeartbeatEventSource heartbeats =
        new HeartbeatEventSource(
            settings.shardServerClient(),
            polls,
            settings.clock(),
            settings.config().heartbeatPollPeriod(),
            HttpShardServerClient.DEFAULT_HEARTBEAT_DEADLINE);
    // The steps that change shard-servers tell the heartbeat cache whom they changed.
    ShardServerClient acting = ActingShardClient.of(settings.shardServerClient(), heartbeats);
    operator.register(
        new ShardedDatabaseReconciler(
            client,
            settings.images(),
            settings.shardServerClient(),
            settings.clock(),
            heartbeats,
            new SpecValidator(),
            new ShardCoordinator(
                new ShardPlanner(new RecopyPolicy()),
                new RecopyPolicy(),
                new ShardActuator(acting, probes)),
            new ShardRemovalGuard(settings.shardServerClient()),
            new Resharder(acting),
            new PodReplacementPolicy(),
            new StatusAggregator(),
            events,
            settings.config().operatorNamespace(),
            networkAccess(client),
            settings.config().resyncIntervals(),
            archives,
            new ShardedDatabaseReconciler.CaTimes(
                settings.config().caValidity(), settings.config().caOverlap())),
        // Watch only the listed namespaces when the chart grants per-namespace Roles.
        o -> {
          if (!settings.config().watchNamespaces().isEmpty()) {
            o.settingNamespaces(settings.config().watchNamespaces());
          }
        });
    // Backups and restore points (docs/backup.md), in the same namespaces.
    operator.register(
        new ShardedDatabaseBackupReconciler(client, settings.shardServerClient(), settings.clock()),
        o -> {
          if (!settings.config().watchNamespaces().isEmpty()) {
            o.settingNamespaces(settings.config().watchNamespaces());
          }
        });
  }

  /**
   * What the databases' NetworkPolicies admit, with the chart's scrape token (read, or created, in
   * the operator's namespace: {@link ScrapeTokenSecret}) that every {@code <db>-metrics} gets.
   */
  private NetworkAccess networkAccess(KubernetesClient client) {
    NetworkAccess access = settings.config().networkAccess();
    String token =
        ScrapeTokenSecret.resolve(
            client,
            settings.config().operatorNamespace(),
            settings.config().metricsScraperTokenSecret(),
            new java.security.SecureRandom());
    return access.withScraper(access.scraper().withToken(token));
  }

  /** Starts the controller (and the management endpoint when its port is not 0). */
  public void start() {
    if (settings.config().managementPort() != 0) {
      management =
          new ManagementServer(
              settings.config().managementPort(),
              registry,
              () -> operator.getRuntimeInfo().isStarted(),
              OperatorReadiness.of(operator::getRuntimeInfo));
    }
    operator.start();
    backupScheduler.start();
  }

  /** The bound management port, or 0 when disabled. */
  public int managementPort() {
    return management == null ? 0 : management.port();
  }

  /** The client the operator works with. */
  public KubernetesClient client() {
    return client;
  }

  /** Stops the controller, the management endpoint and the heartbeat threads. */
  public void stop() {
    stopping = true;
    backupScheduler.close();
    operator.stop();
    if (management != null) {
      management.close();
    }
    probes.shutdownNow();
    polls.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }
}
