package io.shardeddb.cli.report;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.cli.output.TextTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a support bundle ({@code kubectl sdb report}) holds, file by file, decided from what was
 * read from the cluster (no I/O here): the resource, its events, every pod with its status and
 * logs, the operator's logs, the status, and {@code README.txt} saying what was collected and what
 * could not be. Secrets are never read; a literal environment value whose name looks like a
 * credential is replaced by {@value #REDACTED}, and {@code metadata.managedFields} are dropped.
 */
public final class SupportBundle {
  /** What replaces a credential-looking literal environment value. */
  public static final String REDACTED = "<redacted by kubectl-sdb report>";

  private static final Pattern CREDENTIAL_NAME =
      Pattern.compile("(?i).*(password|passwd|secret|token|credential|private|key).*");

  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final List<String> collected = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final String header;

  /** A bundle whose README starts with {@code header} (who made it, when, for which database). */
  public SupportBundle(String header) {
    this.header = header;
  }

  /** Adds a file with {@code text}; {@code what} says in README what it is. */
  public SupportBundle add(String path, String text, String what) {
    files.put(path, text.getBytes(StandardCharsets.UTF_8));
    collected.add(path + "  " + what);
    return this;
  }

  /** Records what could not be collected and why (README's "Not collected"). */
  public SupportBundle problem(String what) {
    problems.add(what);
    return this;
  }

  /** The files in order, README.txt first. */
  public Map<String, byte[]> files() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    StringBuilder readme = new StringBuilder(header).append("\n\nCollected:\n");
    collected.forEach(c -> readme.append("  ").append(c).append('\n'));
    readme.append("\nNot collected:\n");
    if (problems.isEmpty()) {
      readme.append("  (nothing missing)\n");
    }
    problems.forEach(p -> readme.append("  ").append(p).append('\n'));
    readme.append(
        "\nSecrets are never read; credential-looking literal env values are redacted.\n");
    out.put("README.txt", readme.toString().getBytes(StandardCharsets.UTF_8));
    out.putAll(files);
    return out;
  }

  /** The problems recorded so far. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** An object as YAML without {@code metadata.managedFields} (noise for a reader). */
  public static String yaml(io.fabric8.kubernetes.api.model.HasMetadata object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return Serialization.asYaml(object);
  }

  /**
   * The pod as YAML, with its status, a credential-looking literal env value redacted (values from
   * Secrets are references and stay references).
   */
  public static String podYaml(Pod pod) {
    Pod copy = new PodBuilder(pod).build();
    if (copy.getSpec() != null) {
      List<Container> all = new ArrayList<>();
      all.addAll(nullSafe(copy.getSpec().getContainers()));
      all.addAll(nullSafe(copy.getSpec().getInitContainers()));
      for (Container c : all) {
        for (EnvVar e : nullSafe(c.getEnv())) {
          if (e.getValue() != null && CREDENTIAL_NAME.matcher(e.getName()).matches()) {
            e.setValue(REDACTED);
          }
        }
      }
    }
    return yaml(copy);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  /**
   * The events about the database, its pods or anything named after it (StatefulSets, PVCs,
   * Services: {@code <db>-...}), oldest first.
   */
  public static List<Event> eventsOf(Collection<Event> events, String db, Set<String> podNames) {
    return events.stream()
        .filter(
            e -> {
              ObjectReference o = e.getInvolvedObject();
              if (o == null || o.getName() == null) {
                return false;
              }
              return o.getName().equals(db)
                  || o.getName().startsWith(db + "-")
                  || podNames.contains(o.getName());
            })
        .sorted(Comparator.comparing(SupportBundle::when))
        .toList();
  }

  /** The events as kubectl prints them: LAST SEEN, TYPE, REASON, OBJECT, COUNT, MESSAGE. */
  public static String eventsTable(List<Event> events) {
    TextTable t = new TextTable("LAST SEEN", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE");
    for (Event e : events) {
      ObjectReference o = e.getInvolvedObject();
      t.row(
          when(e),
          e.getType(),
          e.getReason(),
          o.getKind().toLowerCase(java.util.Locale.ROOT) + "/" + o.getName(),
          e.getCount(),
          e.getMessage() == null ? "" : e.getMessage().replace('\n', ' '));
    }
    return t.render();
  }

  private static String when(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getFirstTimestamp() == null ? "" : e.getFirstTimestamp();
  }

  /** A path-safe file name part (pod and container names are already DNS labels). */
  public static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
