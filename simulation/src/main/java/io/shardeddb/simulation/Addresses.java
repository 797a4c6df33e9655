package io.shardeddb.simulation;

import java.util.HashMap;
import java.util.Map;

/**
 * Pod addresses, as a cluster's network and pod listing give them (issue 24: pods that return at
 * new addresses, and addresses that are reused). A replica serves one address at a time; the pod
 * listing ({@link #of}) shows the address it was last given, also after it went down and another
 * replica took that address — the stale listing of a pod that is gone, whose IP a new pod now has.
 * A message to an address reaches whoever serves it now ({@link #holder}), as a TCP connection to
 * an IP does. Until a schedule moves a replica, replica {@code r} serves {@code sim://r}.
 */
final class Addresses {
  private final Map<String, String> listed = new HashMap<>();
  private final Map<String, String> served = new HashMap<>();
  private static final String FIRST = "sim://";
  private static final String FRESH = "sim://10.0.0.";
  private int fresh;

  /** The address the pod listing shows for {@code replica}. */
  String of(String replica) {
    return listed.computeIfAbsent(
        replica,
        r -> {
          String a = "sim://" + r;
          served.putIfAbsent(a, r);
          return a;
        });
  }

  /** The replica serving {@code address} now, or null (connection refused). */
  String holder(String address) {
    String h = served.get(address);
    if (h == null && address.startsWith(FIRST) && !address.startsWith(FRESH)) {
      // A replica's first address, before anything asked for it: still its own unless it moved.
      String r = address.substring(FIRST.length());
      if (!listed.containsKey(r)) {
        of(r);
        return r;
      }
    }
    return h;
  }

  /** Whether {@code replica} still serves the address its listing shows. */
  boolean servesItsOwn(String replica) {
    return replica.equals(served.get(of(replica)));
  }

  /**
   * {@code replica} serves {@code address} from now on (a fresh one when null); its old address is
   * free, and a replica whose listing still shows {@code address} keeps that stale listing.
   */
  String assign(String replica, String address) {
    String old = of(replica);
    if (replica.equals(served.get(old))) {
      served.remove(old);
    }
    String a = address == null ? FRESH + (++fresh) : address;
    served.put(a, replica);
    listed.put(replica, a);
    return a;
  }
}
