package io.shardeddb.router.shard;

import io.micronaut.context.annotation.BootstrapContextCompatible;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.topology.Replica;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.Topology;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * Which shard-server pod the router means at each address it dials (docs/security.md, "Who verifies
 * what"): from the operator's topology, replica {@code pod} of shard {@code s} at {@code url} must
 * present a certificate naming {@code <pod>.<db>-<s>.<ns>.svc}. The router's client ( {@link
 * ShardTlsClientSslBuilder}) refuses any other, so a reused pod IP answered by another pod of the
 * database is not read from or written to. Addresses the topology does not name (standalone and
 * file topologies, whose names are not the operator's pods) are checked by chain and role only.
 */
@Singleton
@BootstrapContextCompatible
public class ShardPodNames {

  private final PeerNames names = new PeerNames();

  /** The expectations the router's shard-server client checks. */
  public PeerNames names() {
    return names;
  }

  /**
   * From now on, the pods of {@code topology} (the operator's, in namespace {@code namespace}) are
   * expected at their addresses; addresses it no longer names are expected no more.
   */
  public void expect(Topology topology, String namespace) {
    Map<String, String> byAddress = new HashMap<>();
    for (ShardTopology shard : topology.shards()) {
      String service = ShardedDatabaseResources.shardServiceName(topology.database(), shard.id());
      for (Replica r : shard.replicas()) {
        if (r.name() == null || r.url() == null) {
          continue;
        }
        try {
          byAddress.put(
              PeerNames.address(r.url()), PeerNames.podHost(r.name(), service, namespace));
        } catch (IllegalArgumentException notAUrl) {
          // Not dialled either (the call fails on the URL): nothing to expect there.
        }
      }
    }
    names.replaceAll(byAddress);
  }
}
