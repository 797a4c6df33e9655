package io.shardeddb.operator.reconciler;

import io.shardeddb.api.OwnedNames;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a database would write an object another database of its namespace owns or will own
 * (database {@code shop} with shard {@code eu} and database {@code shop-eu} both name Secret {@code
 * shop-eu-tls}). No spelling of {@code <db>-<shard>} can prevent it while database names may hold
 * hyphens, so the operator compares both databases' {@link OwnedNames} before it writes anything.
 * Of two databases that share a name, the one that already owns the object keeps it; when neither
 * does yet, the older resource keeps it. The other is refused whole (condition {@code Ready=False,
 * reason=NameClash} and an Event): none of its objects is written, so nothing of the first is
 * touched. A pure decision; who owns an existing object comes from {@link Owners}.
 */
public final class NameClash {

  /** Who controls an existing object of this namespace (I/O, behind this interface). */
  @FunctionalInterface
  public interface Owners {

    /**
     * The uid of what controls object {@code name} (its controller owner reference), or null when
     * the object is absent or has no controller.
     */
    String controllerUid(OwnedNames.Name name);
  }

  private NameClash() {}

  /**
   * Why {@code me} must not write its objects: one line per object it shares with one of {@code
   * others} (the namespace's other ShardedDatabases; {@code me} among them is skipped) that the
   * other keeps. Empty when {@code me} may go on.
   */
  public static List<String> problems(
      ShardedDatabase me, Collection<ShardedDatabase> others, Owners owners) {
    List<OwnedNames.Name> mine = OwnedNames.of(me);
    List<String> problems = new ArrayList<>();
    List<ShardedDatabase> sorted =
        others.stream()
            .filter(o -> !sameResource(o, me))
            .filter(o -> Objects.equals(namespace(o), namespace(me)))
            .sorted(Comparator.comparing(NameClash::name))
            .toList();
    for (ShardedDatabase other : sorted) {
      Set<OwnedNames.Name> shared = new LinkedHashSet<>(mine);
      shared.retainAll(Set.copyOf(OwnedNames.of(other)));
      for (OwnedNames.Name name : shared) {
        if (yields(me, other, owners.controllerUid(name))) {
          problems.add(
              name
                  + " is also ShardedDatabase "
                  + name(other)
                  + "'s, which keeps it: give this database or its shard another name"
                  + " (<database>-<shard> must not meet another database's names)");
        }
      }
    }
    return problems;
  }

  /** Whether {@code me} gives up a name it shares with {@code other}, owned now by {@code uid}. */
  static boolean yields(ShardedDatabase me, ShardedDatabase other, String uid) {
    if (uid != null && uid.equals(uid(me))) {
      return false;
    }
    if (uid != null && uid.equals(uid(other))) {
      return true;
    }
    // Nobody holds it yet (or a third party does: both stay off it): the older resource keeps it.
    if (uid != null) {
      return true;
    }
    return olderFirst().compare(other, me) < 0;
  }

  private static Comparator<ShardedDatabase> olderFirst() {
    return Comparator.comparing(
            (ShardedDatabase d) ->
                d.getMetadata().getCreationTimestamp() == null
                    ? ""
                    : d.getMetadata().getCreationTimestamp())
        .thenComparing(NameClash::name);
  }

  private static boolean sameResource(ShardedDatabase a, ShardedDatabase b) {
    return Objects.equals(name(a), name(b)) && Objects.equals(namespace(a), namespace(b));
  }

  private static String name(ShardedDatabase d) {
    return d.getMetadata().getName();
  }

  private static String namespace(ShardedDatabase d) {
    return d.getMetadata().getNamespace();
  }

  private static String uid(ShardedDatabase d) {
    return d.getMetadata().getUid();
  }
}
