package io.shardeddb.cli.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet and workload controllers of local mode, in one loop: it creates the Pods that
 * StatefulSets and Deployments ask for, runs each pod's containers as processes on the pod's own
 * loopback address, probes readiness as the spec says, keeps Pod and workload status true in the
 * API, restarts a crashed process in place (same data), and kills the processes of deleted pods
 * (their owner then gets a fresh pod, as a StatefulSet would).
 */
public final class LocalPodRunner implements AutoCloseable {
  /** Annotation that marks a pod whose volume is lost when it is deleted (local-mode only). */
  public static final String WIPE_ANNOTATION = "local.shardeddb.io/wipe-volume";

  /** Annotation carrying the pid of a pod's main process, so a user can kill -9 it. */
  public static final String PID_ANNOTATION = "local.shardeddb.io/pid";

  /** The node every local pod is scheduled on. */
  public static final String NODE_NAME = "local";

  private static final Logger LOG = LoggerFactory.getLogger(LocalPodRunner.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);

  /** How often a running pod's projected Secret files are brought up to date (kubelet: ~1 min). */
  private static final Duration SECRET_REFRESH = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final String namespace;
  private final PodLauncher launcher;
  private final PodEnvironment environment;
  private final PodHooks hooks;
  private final LoopbackAddresses addresses;
  private final LoopbackFirewall firewall;
  private final Path logDir;
  private final Map<String, PodRuntime> runtimes = new ConcurrentHashMap<>();
  private final Map<String, Pod> lastSeen = new HashMap<>();
  private final HttpClient http;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "local-pod-runner");
            t.setDaemon(true);
            return t;
          });

  LocalPodRunner(
      KubernetesClient client,
      String namespace,
      PodLauncher launcher,
      PodEnvironment environment,
      PodHooks hooks,
      Path logDir,
      AddressBlock block,
      LoopbackFirewall firewall) {
    this.client = client;
    this.namespace = namespace;
    this.launcher = launcher;
    this.environment = environment;
    this.hooks = hooks;
    this.logDir = logDir;
    this.addresses = new LoopbackAddresses(block.prefix());
    this.firewall = firewall;
    try {
      // Probes come from the "node" address, as a kubelet's do: partitioning a pod from the
      // operator (127.0.0.1) must not also blind its kubelet.
      this.http =
          HttpClient.newBuilder()
              .connectTimeout(PROBE_TIMEOUT)
              .version(HttpClient.Version.HTTP_1_1)
              .localAddress(InetAddress.getByName(block.nodeAddress()))
              .build();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the control loop (every 500 ms). */
  public void start() {
    loop.scheduleWithFixedDelay(this::safeTick, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** The pid of the pod's running main process, if any. */
  public Optional<Long> pidOf(String pod) {
    PodRuntime rt = runtimes.get(pod);
    return rt == null ? Optional.empty() : rt.pid();
  }

  /** The loopback address given to a pod. */
  public String addressOf(String pod) {
    return addresses.addressOf(pod);
  }

  private void safeTick() {
    try {
      tick();
    } catch (KubernetesClientException e) {
      LOG.debug("local API call failed, retrying next tick: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("local pod runner tick failed: {}", e.toString());
    }
  }

  /** One pass: workloads → pods → processes → status. */
  void tick() {
    List<StatefulSet> sets = client.apps().statefulSets().inNamespace(namespace).list().getItems();
    List<Deployment> deployments =
        client.apps().deployments().inNamespace(namespace).list().getItems();
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    Map<String, Pod> byName = new LinkedHashMap<>();
    pods.forEach(p -> byName.put(p.getMetadata().getName(), p));

    stopProcessesOfDeletedPods(byName);
    sets = collectOrphans(sets, client.apps().statefulSets());
    deployments = collectOrphans(deployments, client.apps().deployments());

    Set<String> wanted = new HashSet<>();
    for (StatefulSet s : sets) {
      int replicas = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
      for (int i = 0; i < replicas; i++) {
        String name = s.getMetadata().getName() + "-" + i;
        wanted.add(name);
        if (!byName.containsKey(name)) {
          createPod(name, s, s.getSpec().getTemplate(), s.getMetadata().getName());
        }
      }
    }
    for (Deployment d : deployments) {
      int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
      for (int i = 0; i < replicas; i++) {
        String name = d.getMetadata().getName() + "-local-" + i;
        wanted.add(name);
        if (!byName.containsKey(name)) {
          createPod(name, d, d.getSpec().getTemplate(), null);
        }
      }
    }
    // Pods of a workload that scaled down (or is gone) are deleted; the next tick stops them.
    for (Pod p : pods) {
      if (isOwnedByWorkload(p) && !wanted.contains(p.getMetadata().getName())) {
        client.pods().inNamespace(namespace).resource(p).delete();
      }
    }
    Map<Pod, PodRuntime> running = new LinkedHashMap<>();
    for (Pod p : pods) {
      if (wanted.contains(p.getMetadata().getName())
          && p.getMetadata().getDeletionTimestamp() == null) {
        running.put(p, ensureRunning(p));
      }
    }
    applyFaults(running);
    running.forEach(this::updatePodStatus);
    for (StatefulSet s : sets) {
      updateStatefulSetStatus(s);
    }
    for (Deployment d : deployments) {
      updateDeploymentStatus(d);
    }
  }

  /**
   * Injected faults, before probing: pauses (SIGSTOP/SIGCONT of the pod's own processes) and
   * partitions (the firewall drops exactly what the pods' annotations ask for).
   */
  private void applyFaults(Map<Pod, PodRuntime> running) {
    Instant now = Instant.now();
    Map<String, String> partitions = new LinkedHashMap<>();
    Map<String, String> addressByPod = new LinkedHashMap<>();
    running.forEach(
        (pod, rt) -> {
          String name = pod.getMetadata().getName();
          String pause = annotation(pod, Faults.PAUSE_ANNOTATION);
          rt.pause(name, Faults.paused(pause, now));
          if (Faults.pauseExpired(pause, now)) {
            removeAnnotation(name, Faults.PAUSE_ANNOTATION, pause);
          }
          addressByPod.put(name, rt.ip());
          String partition = annotation(pod, Faults.PARTITION_ANNOTATION);
          if (partition != null) {
            partitions.put(name, partition);
          }
        });
    try {
      firewall.apply(Faults.drops(partitions, addressByPod));
    } catch (IllegalStateException e) {
      LOG.warn("cannot apply network faults: {}", e.getMessage());
    }
  }

  /** Removes an annotation if it still has the value acted on (a newer one is kept). */
  private void removeAnnotation(String pod, String key, String value) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .edit(
            p -> {
              Map<String, String> a = p.getMetadata().getAnnotations();
              if (a != null && value.equals(a.get(key))) {
                a.remove(key);
              }
              return p;
            });
  }

  /**
   * The garbage collector's part that matters here: workloads whose owning ShardedDatabase is gone
   * are deleted (their pods follow on the next tick). Returns the workloads that remain.
   */
  private <T extends HasMetadata> List<T> collectOrphans(
      List<T> workloads, io.fabric8.kubernetes.client.dsl.MixedOperation<T, ?, ?> api) {
    Set<String> owners = new HashSet<>();
    client
        .resources(ShardedDatabase.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(db -> owners.add(db.getMetadata().getUid()));
    List<T> kept = new ArrayList<>();
    for (T w : workloads) {
      List<OwnerReference> refs = w.getMetadata().getOwnerReferences();
      boolean orphan =
          refs != null
              && !refs.isEmpty()
              && refs.stream()
                  .allMatch(
                      r ->
                          ShardedDatabase.KIND.equals(r.getKind()) && !owners.contains(r.getUid()));
      if (orphan) {
        LOG.info("{} {} lost its owner: deleting it", w.getKind(), w.getMetadata().getName());
        api.inNamespace(namespace).resource(w).delete();
      } else {
        kept.add(w);
      }
    }
    return kept;
  }

  private void stopProcessesOfDeletedPods(Map<String, Pod> current) {
    for (Map.Entry<String, PodRuntime> e : new ArrayList<>(runtimes.entrySet())) {
      Pod now = current.get(e.getKey());
      PodRuntime rt = e.getValue();
      if (now == null || !now.getMetadata().getUid().equals(rt.uid())) {
        LOG.info("pod {} deleted: stopping its process", e.getKey());
        rt.stop();
        runtimes.remove(e.getKey());
        Pod last = lastSeen.remove(e.getKey());
        if (last != null && "true".equals(annotation(last, WIPE_ANNOTATION))) {
          LOG.info("pod {} deleted with its volume: wiping its data", e.getKey());
          hooks.wipeVolume(last);
        }
      }
    }
    lastSeen.keySet().retainAll(current.keySet());
    current.forEach(lastSeen::put);
  }

  private void createPod(
      String name, HasMetadata owner, PodTemplateSpec template, String subdomain) {
    OwnerReference ref =
        new OwnerReferenceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getMetadata().getName())
            .withUid(owner.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (tm.getLabels() != null) {
      labels.putAll(tm.getLabels());
    }
    if (subdomain != null) {
      labels.put("statefulset.kubernetes.io/pod-name", name);
    }
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .withAnnotations(tm.getAnnotations())
            .withOwnerReferences(ref)
            .endMetadata()
            .withSpec(template.getSpec())
            .editSpec()
            .withNodeName(NODE_NAME)
            .withHostname(subdomain == null ? null : name)
            .withSubdomain(subdomain)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    try {
      client.pods().inNamespace(namespace).resource(pod).create();
      LOG.info("created pod {}", name);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private boolean isOwnedByWorkload(Pod p) {
    List<OwnerReference> refs = p.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream()
            .anyMatch(r -> "StatefulSet".equals(r.getKind()) || "Deployment".equals(r.getKind()));
  }

  private PodRuntime ensureRunning(Pod pod) {
    String name = pod.getMetadata().getName();
    PodRuntime rt = runtimes.get(name);
    if (rt == null) {
      String ip = addresses.addressOf(name);
      rt = new PodRuntime(pod.getMetadata().getUid(), ip, Instant.now());
      runtimes.put(name, rt);
    }
    rt.superviseProcesses(pod);
    rt.refreshSecretVolumes(pod);
    return rt;
  }

  private void updatePodStatus(Pod pod, PodRuntime rt) {
    boolean ready = rt.probeReady(pod);
    PodStatus old = pod.getStatus();
    boolean wasReady = isReady(pod);
    String oldIp = old == null ? null : old.getPodIP();
    int oldRestarts = restarts(pod);
    String pid = rt.pid().map(String::valueOf).orElse(null);
    if (wasReady == ready
        && rt.ip().equals(oldIp)
        && oldRestarts == rt.restarts()
        && Objects.equals(pid, annotation(pod, PID_ANNOTATION))) {
      return;
    }
    String now = Instant.now().toString();
    PodCondition readyCond =
        new PodConditionBuilder()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .withLastTransitionTime(now)
            .build();
    PodCondition containersReady =
        new PodConditionBuilder()
            .withType("ContainersReady")
            .withStatus(ready ? "True" : "False")
            .withLastTransitionTime(now)
            .build();
    List<ContainerStatus> cs = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      cs.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withReady(ready)
              .withStarted(true)
              .withRestartCount(rt.restarts())
              .withNewState()
              .withNewRunning()
              .withStartedAt(rt.startedAt().toString())
              .endRunning()
              .endState()
              .build());
    }
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Running")
            .withPodIP(rt.ip())
            .withHostIP("127.0.0.1")
            .withStartTime(rt.startedAt().toString())
            .withConditions(readyCond, containersReady)
            .withContainerStatuses(cs)
            .build();
    // edit = a patch against the current object: annotations the local commands set meanwhile
    // (pause, partition, wipe) survive this status write.
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new LinkedHashMap<>());
              }
              p.getMetadata().getAnnotations().put(PID_ANNOTATION, pid == null ? "" : pid);
              p.setStatus(status);
              return p;
            });
    if (wasReady != ready) {
      LOG.info("pod {} is {}", pod.getMetadata().getName(), ready ? "ready" : "not ready");
    }
  }

  private void updateStatefulSetStatus(StatefulSet s) {
    int replicas = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
    int ready = countReady(s.getMetadata().getName() + "-", replicas);
    var st = s.getStatus();
    if (st != null
        && Objects.equals(st.getReplicas(), replicas)
        && Objects.equals(st.getReadyReplicas(), ready)
        && Objects.equals(st.getObservedGeneration(), s.getMetadata().getGeneration())) {
      return;
    }
    s.setStatus(
        new StatefulSetStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withCurrentReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withObservedGeneration(s.getMetadata().getGeneration())
            .build());
    client.apps().statefulSets().inNamespace(namespace).resource(s).updateStatus();
  }

  private void updateDeploymentStatus(Deployment d) {
    int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    int ready = countReady(d.getMetadata().getName() + "-local-", replicas);
    var st = d.getStatus();
    if (st != null
        && Objects.equals(st.getReplicas(), replicas)
        && Objects.equals(st.getReadyReplicas(), ready)
        && Objects.equals(st.getObservedGeneration(), d.getMetadata().getGeneration())) {
      return;
    }
    d.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUpdatedReplicas(replicas)
            .withObservedGeneration(d.getMetadata().getGeneration())
            .build());
    client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
  }

  private int countReady(String prefix, int replicas) {
    int n = 0;
    for (int i = 0; i < replicas; i++) {
      PodRuntime rt = runtimes.get(prefix + i);
      if (rt != null && rt.lastReady()) {
        n++;
      }
    }
    return n;
  }

  private static boolean isReady(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static int restarts(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return -1;
    }
    return p.getStatus().getContainerStatuses().stream()
        .mapToInt(c -> Objects.requireNonNullElse(c.getRestartCount(), 0))
        .max()
        .orElse(-1);
  }

  private static String annotation(Pod p, String key) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runtimes.values().forEach(PodRuntime::stop);
    runtimes.clear();
    firewall.close();
  }

  /** Where a pod's Secret volumes are projected: beside the logs, one directory per pod. */
  private Path volumesOf(Pod pod) {
    Path base = logDir.toAbsolutePath().getParent();
    return base.resolve("volumes").resolve(pod.getMetadata().getName());
  }

  /** One pod on this machine: its address, its processes and their restarts. */
  private final class PodRuntime {
    private final String uid;
    private final String ip;
    private Instant startedAt;
    private Process process;
    private Container mainContainer;
    private int restarts;
    private boolean ready;
    private Instant nextStart = Instant.EPOCH;
    private Duration backoff = Duration.ofSeconds(1);
    private boolean stopped;
    private Long pausedPid;
    private Instant nextSecretRefresh = Instant.EPOCH;

    PodRuntime(String uid, String ip, Instant startedAt) {
      this.uid = uid;
      this.ip = ip;
      this.startedAt = startedAt;
    }

    String uid() {
      return uid;
    }

    String ip() {
      return ip;
    }

    Instant startedAt() {
      return startedAt;
    }

    int restarts() {
      return restarts;
    }

    boolean lastReady() {
      return ready;
    }

    Optional<Long> pid() {
      Process p = process;
      return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** Starts the pod's process, or restarts it in place after a crash (with back-off). */
    void superviseProcesses(Pod pod) {
      if (stopped) {
        return;
      }
      if (process != null && process.isAlive()) {
        return;
      }
      if (process != null) {
        LOG.warn(
            "pod {}: process exited with {}; restarting in place",
            pod.getMetadata().getName(),
            process.exitValue());
        process = null;
        ready = false;
        restarts++;
        nextStart = Instant.now().plus(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10)
                : backoff.multipliedBy(2);
      }
      if (Instant.now().isBefore(nextStart)) {
        return;
      }
      for (Container c : pod.getSpec().getContainers()) {
        Optional<PodLauncher.Component> comp = launcher.componentFor(c);
        if (comp.isEmpty()) {
          continue;
        }
        Map<String, String> env =
            environment.resolve(
                pod, c, ip, environment.projectSecretVolumes(pod, c, volumesOf(pod)));
        env.put("MICRONAUT_SERVER_HOST", ip);
        env.put("SHARDEDDB_LOCAL_POD", pod.getMetadata().getName());
        // Outgoing connections from the pod's own address, so partitions can tell pods apart.
        env.put("SHARDEDDB_LOCAL_ADDRESS", ip);
        env.putAll(hooks.envOverrides(pod, comp.get().imageMarker(), ip));
        List<String> cmd = launcher.command(comp.get(), env);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        try {
          Files.createDirectories(logDir);
          Path log = logDir.resolve(pod.getMetadata().getName() + ".log");
          pb.redirectErrorStream(true);
          pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
          process = pb.start();
          mainContainer = c;
          startedAt = Instant.now();
          LOG.info(
              "pod {}: started {} at {} (pid {})",
              pod.getMetadata().getName(),
              comp.get().imageMarker(),
              ip,
              process.pid());
        } catch (IOException e) {
          throw new IllegalStateException("cannot start pod " + pod.getMetadata().getName(), e);
        }
        return; // one runnable container per pod
      }
    }

    /**
     * Brings the pod's projected Secret files up to date, as the kubelet does a while after a
     * Secret changes (how a credential rotation reaches a running process).
     */
    void refreshSecretVolumes(Pod pod) {
      if (process == null
          || !process.isAlive()
          || mainContainer == null
          || Instant.now().isBefore(nextSecretRefresh)) {
        return;
      }
      nextSecretRefresh = Instant.now().plus(SECRET_REFRESH);
      try {
        environment.projectSecretVolumes(pod, mainContainer, volumesOf(pod));
      } catch (RuntimeException e) {
        LOG.debug(
            "pod {}: secret volumes not refreshed: {}",
            pod.getMetadata().getName(),
            e.getMessage());
      }
    }

    /** Runs the main container's readiness probe (HTTP GET), as the kubelet would. */
    boolean probeReady(Pod pod) {
      if (process == null || !process.isAlive() || mainContainer == null) {
        ready = false;
        return false;
      }
      HTTPGetAction get =
          mainContainer.getReadinessProbe() == null
              ? null
              : mainContainer.getReadinessProbe().getHttpGet();
      if (get == null) {
        ready = true;
        return true;
      }
      int port = resolvePort(mainContainer, get);
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + get.getPath()))
                    .timeout(PROBE_TIMEOUT)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        ready = r.statusCode() >= 200 && r.statusCode() < 400;
      } catch (IOException e) {
        ready = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ready = false;
      }
      return ready;
    }

    /** SIGSTOP / SIGCONT the pod's process (and its children) when the wish changes. */
    void pause(String pod, boolean wanted) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        pausedPid = null;
        return;
      }
      boolean isPaused = pausedPid != null && pausedPid == p.pid();
      if (wanted == isPaused) {
        return;
      }
      String signal = wanted ? "-STOP" : "-CONT";
      List<String> cmd = new ArrayList<>(List.of("kill", signal, String.valueOf(p.pid())));
      p.descendants().forEach(d -> cmd.add(String.valueOf(d.pid())));
      try {
        Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        k.getInputStream().readAllBytes();
        if (k.waitFor() != 0) {
          LOG.warn("pod {}: {} failed", pod, String.join(" ", cmd));
          return;
        }
      } catch (IOException e) {
        LOG.warn("pod {}: cannot run kill {}: {}", pod, signal, e.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pausedPid = wanted ? p.pid() : null;
      LOG.info("pod {}: {} (pid {})", pod, wanted ? "paused" : "resumed", p.pid());
    }

    void stop() {
      stopped = true;
      Process p = process;
      if (p != null) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ready = false;
    }
  }

  private static int resolvePort(Container c, HTTPGetAction get) {
    if (get.getPort().getIntVal() != null) {
      return get.getPort().getIntVal();
    }
    String name = get.getPort().getStrVal();
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no container port named " + name))
        .getContainerPort();
  }
}
