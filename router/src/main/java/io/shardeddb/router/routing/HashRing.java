package io.shardeddb.router.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A consistent-hash ring (the assignment balancer's idea): each member sits at many virtual points;
 * a request hash picks the first member clockwise that passes a filter, so adding or removing a
 * replica moves only its share of the load. Immutable once built.
 */
public final class HashRing<T> {
  private static final int VIRTUAL_NODES = 64;
  private final TreeMap<Long, T> ring = new TreeMap<>();
  private final List<T> members;

  public HashRing(List<T> members, Function<T, String> name) {
    this.members = List.copyOf(members);
    for (T m : members) {
      for (int v = 0; v < VIRTUAL_NODES; v++) {
        ring.put(hash(name.apply(m) + "#" + v), m);
      }
    }
  }

  /** The members, in the order given. */
  public List<T> members() {
    return members;
  }

  /**
   * Members in ring order starting at {@code requestHash}, each once, keeping only those {@code
   * usable} accepts: the first is the choice, the rest are fallbacks.
   */
  public List<T> candidates(long requestHash, Predicate<T> usable) {
    if (ring.isEmpty()) {
      return List.of();
    }
    Set<T> seen = new LinkedHashSet<>();
    for (Map.Entry<Long, T> e : ring.tailMap(requestHash, true).entrySet()) {
      seen.add(e.getValue());
    }
    for (Map.Entry<Long, T> e : ring.headMap(requestHash, false).entrySet()) {
      seen.add(e.getValue());
    }
    List<T> out = new ArrayList<>();
    for (T m : seen) {
      if (usable.test(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /** A well-spread 64-bit hash (FNV-1a, then a finaliser) of a string. */
  public static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
