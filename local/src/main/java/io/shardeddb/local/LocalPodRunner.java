package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's node: every 500 ms it lets the workload controllers create and delete pods ({@link
 * WorkloadController}), runs each pod's container as a process on the pod's own loopback address
 * ({@link PodProcess}), applies injected faults, probes readiness as the spec says ({@link
 * ReadinessProber}) and keeps Pod and workload status true in the API ({@link PodStatusWriter}). It
 * stops the processes of deleted pods (their owner then gets a fresh pod, as a StatefulSet would).
 */
public final class LocalPodRunner implements AutoCloseable {
  /** Annotation that marks a pod whose volume is lost when it is deleted (local-mode only). */
  public static final String WIPE_ANNOTATION = "local.shardeddb.io/wipe-volume";

  /** Annotation carrying the pid of a pod's main process, so a user can kill -9 it. */
  public static final String PID_ANNOTATION = "local.shardeddb.io/pid";

  /** The node every local pod is scheduled on. */
  public static final String NODE_NAME = "local";

  private static final Logger LOG = LoggerFactory.getLogger(LocalPodRunner.class);

  private final KubernetesClient client;
  private final String namespace;
  private final PodProcess.Node node;
  private final LoopbackAddresses addresses;
  private final LoopbackFirewall firewall;
  private final CgroupCpuLimits cpuLimits;
  private final WorkloadController workloads;
  private final ReadinessProber prober;
  private final PodStatusWriter statusWriter;
  private final Map<String, PodProcess> runtimes = new ConcurrentHashMap<>();
  private final Map<String, Pod> lastSeen = new HashMap<>();
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
      LoopbackFirewall firewall,
      CgroupCpuLimits cpuLimits) {
    this.client = client;
    this.namespace = namespace;
    this.node = new PodProcess.Node(launcher, environment, hooks, logDir);
    this.addresses = new LoopbackAddresses(block.prefix());
    this.firewall = firewall;
    this.cpuLimits = cpuLimits;
    this.workloads = new WorkloadController(client, namespace);
    this.prober = new ReadinessProber(block.nodeAddress());
    this.statusWriter = new PodStatusWriter(client, namespace);
  }

  /** Starts the control loop (every 500 ms). */
  public void start() {
    loop.scheduleWithFixedDelay(this::safeTick, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** The pid of the pod's running main process, if any. */
  public Optional<Long> pidOf(String pod) {
    PodProcess rt = runtimes.get(pod);
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

  /** One pass: workloads → pods → processes → faults → probes → status. */
  void tick() {
    List<WorkloadController.Workload> all = workloads.list();
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    Map<String, Pod> byName = new LinkedHashMap<>();
    pods.forEach(p -> byName.put(p.getMetadata().getName(), p));

    stopProcessesOfDeletedPods(byName);
    all = workloads.collectOrphans(all);
    Set<String> wanted = workloads.createMissingPods(all, byName);
    // Pods of a workload that scaled down (or is gone) are deleted; the next tick stops them.
    workloads.deleteUnwanted(pods, wanted);
    Map<Pod, PodProcess> running = new LinkedHashMap<>();
    for (Pod p : pods) {
      if (wanted.contains(p.getMetadata().getName())
          && p.getMetadata().getDeletionTimestamp() == null) {
        running.put(p, ensureRunning(p));
      }
    }
    applyFaults(running);
    running.forEach((pod, rt) -> statusWriter.write(pod, rt, prober.probe(rt)));
    for (WorkloadController.Workload w : all) {
      workloads.writeStatus(
          w,
          name -> {
            PodProcess rt = runtimes.get(name);
            return rt != null && rt.lastReady();
          });
    }
  }

  /**
   * Injected faults, before probing: pauses (SIGSTOP/SIGCONT of the pod's own processes),
   * partitions (the firewall drops exactly what the pods' annotations ask for) and CPU caps.
   */
  private void applyFaults(Map<Pod, PodProcess> running) {
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
    applyCpuLimits(running, now);
  }

  /**
   * CPU caps ({@link Faults#CPU_ANNOTATION}) put in force by {@link CgroupCpuLimits}, each pod's
   * outcome answered on the pod ({@link Faults#CPU_STATUS_ANNOTATION}) for {@code local throttle}
   * to report; a timed cap that ran out is removed.
   */
  private void applyCpuLimits(Map<Pod, PodProcess> running, Instant now) {
    Map<String, CgroupCpuLimits.Limit> wanted = new LinkedHashMap<>();
    Map<String, String> answers = new LinkedHashMap<>();
    running.forEach(
        (pod, rt) -> {
          String name = pod.getMetadata().getName();
          String value = annotation(pod, Faults.CPU_ANNOTATION);
          if (value == null || value.isBlank()) {
            return;
          }
          if (Faults.cpuLimitExpired(value, now)) {
            removeAnnotation(name, Faults.CPU_ANNOTATION, value);
            return;
          }
          OptionalDouble cpus = Faults.cpuLimit(value, now);
          if (cpus.isEmpty()) {
            answers.put(
                name,
                Faults.cpuFailed(
                    value,
                    "not a CPU cap (cores from "
                        + Faults.MIN_CPUS
                        + " to "
                        + Faults.MAX_CPUS
                        + ", optionally followed by \" until <ISO-8601 instant>\")"));
            return;
          }
          wanted.put(name, new CgroupCpuLimits.Limit(cpus.getAsDouble(), rt.pid().orElse(null)));
          answers.put(name, value);
        });
    Map<String, CgroupCpuLimits.Outcome> outcomes = cpuLimits.apply(wanted);
    outcomes.forEach(
        (name, outcome) ->
            answers.put(
                name,
                switch (outcome) {
                  case CgroupCpuLimits.Outcome.Applied a -> Faults.cpuApplied(answers.get(name));
                  case CgroupCpuLimits.Outcome.Failed f ->
                      Faults.cpuFailed(answers.get(name), f.why());
                }));
    running.keySet().stream()
        .filter(
            pod ->
                !Objects.equals(
                    annotation(pod, Faults.CPU_STATUS_ANNOTATION),
                    answers.get(pod.getMetadata().getName())))
        .forEach(
            pod -> {
              String name = pod.getMetadata().getName();
              try {
                setAnnotation(name, Faults.CPU_STATUS_ANNOTATION, answers.get(name));
              } catch (KubernetesClientException e) {
                // Written again on the next pass: the status differs until it is.
                LOG.debug("pod {}: CPU cap's answer not written yet: {}", name, e.getMessage());
              }
            });
  }

  /** Sets an annotation ({@code value} null: removes it), keeping every other one. */
  private void setAnnotation(String pod, String key, String value) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .edit(
            p -> {
              if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new LinkedHashMap<>());
              }
              if (value == null) {
                p.getMetadata().getAnnotations().remove(key);
              } else {
                p.getMetadata().getAnnotations().put(key, value);
              }
              return p;
            });
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

  private void stopProcessesOfDeletedPods(Map<String, Pod> current) {
    for (Map.Entry<String, PodProcess> e : new ArrayList<>(runtimes.entrySet())) {
      Pod now = current.get(e.getKey());
      PodProcess rt = e.getValue();
      if (now == null || !now.getMetadata().getUid().equals(rt.uid())) {
        LOG.info("pod {} deleted: stopping its process", e.getKey());
        rt.stop();
        runtimes.remove(e.getKey());
        Pod last = lastSeen.remove(e.getKey());
        if (last != null && "true".equals(annotation(last, WIPE_ANNOTATION))) {
          LOG.info("pod {} deleted with its volume: wiping its data", e.getKey());
          node.hooks().wipeVolume(last);
        }
      }
    }
    lastSeen.keySet().retainAll(current.keySet());
    current.forEach(lastSeen::put);
  }

  private PodProcess ensureRunning(Pod pod) {
    String name = pod.getMetadata().getName();
    PodProcess rt = runtimes.get(name);
    if (rt == null) {
      String ip = addresses.addressOf(name);
      rt = new PodProcess(node, pod.getMetadata().getUid(), ip, Instant.now());
      runtimes.put(name, rt);
    }
    rt.supervise(pod);
    rt.refreshSecretVolumes(pod);
    return rt;
  }

  private static String annotation(Pod p, String key) {
    return PodStatusWriter.annotation(p, key);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runtimes.values().forEach(PodProcess::stop);
    runtimes.clear();
    firewall.close();
    cpuLimits.close();
  }
}
