package io.shardeddb.shardserver.config;

import io.shardeddb.protocol.shard.Peer;
import io.shardeddb.protocol.tls.PeerNames;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which pod this shard-server means at each peer address it dials (docs/security.md, "Who verifies
 * what"): every peer of its role (primary, voters, learners) is expected at its URL, and at the
 * replication-stream port that URL offered, under {@code <peer>.<service>.<ns>.svc}, the naming of
 * this server's own per-pod certificate ({@code <self>.<service>.<ns>.svc}: its peers sit behind
 * the same headless Service in the same namespace). The peer client and the stream check every
 * handshake against these ({@link PeerNames}), so a reused pod IP answered by another pod of the
 * database is refused: its acknowledgements never count and no log is pulled from it. Without a
 * certificate that names this pod (TLS off, the shard's old shared certificate), nothing is
 * expected and peers are checked by chain and role only.
 */
public final class PeerPodNames {

  private final TlsMaterialSource source;
  private final String podName;
  private final PeerNames names = new PeerNames();
  private Map<String, String> hostByUrl = Map.of();
  private Map<String, String> sourceHostByUrl = Map.of();
  private final Map<String, Integer> streamPorts = new HashMap<>();

  /**
   * Names for a server presenting {@code source}'s identity as pod {@code podName} (null: none).
   */
  public PeerPodNames(TlsMaterialSource source, String podName) {
    this.source = source;
    this.podName = podName;
  }

  /** What the peer clients check. */
  public PeerNames names() {
    return names;
  }

  /**
   * From now on the peers of this server's role are {@code peers} (name = pod name, url); the
   * addresses of earlier peers are expected no more.
   */
  public synchronized void expect(Collection<Peer> peers) {
    Optional<String> suffix = suffix();
    Map<String, String> hosts = new HashMap<>();
    if (suffix.isPresent()) {
      for (Peer p : peers) {
        if (p != null && p.name() != null && p.url() != null && !p.url().isBlank()) {
          hosts.put(p.url(), p.name() + "." + suffix.get());
        }
      }
    }
    hostByUrl = Map.copyOf(hosts);
    apply();
  }

  /**
   * From now on a move's import reads from the source replicas {@code hostByUrl} (URL → the host
   * name the operator issued that pod's certificate for; empty: none). Kept apart from the role's
   * peers, which win where both name an address. Only in force where this server's own certificate
   * names its pod (else nothing is expected anywhere).
   */
  public synchronized void expectSources(Map<String, String> hostByUrl) {
    sourceHostByUrl = suffix().isPresent() ? Map.copyOf(hostByUrl) : Map.of();
    apply();
  }

  /** The peer at {@code url} offered its replication stream on {@code port} (same pod). */
  public synchronized void expectStream(String url, int port) {
    streamPorts.put(url, port);
    apply();
  }

  private void apply() {
    Map<String, String> byAddress = new HashMap<>();
    sourceHostByUrl.forEach(
        (url, host) -> {
          try {
            byAddress.put(PeerNames.address(url), host);
          } catch (IllegalArgumentException notAUrl) {
            // Never dialled either.
          }
        });
    hostByUrl.forEach(
        (url, host) -> {
          try {
            byAddress.put(PeerNames.address(url), host);
            Integer stream = streamPorts.get(url);
            if (stream != null) {
              byAddress.put(URI.create(url).getHost() + ":" + stream, host);
            }
          } catch (IllegalArgumentException notAUrl) {
            // Never dialled either (the call fails on the URL): nothing to expect there.
          }
        });
    names.replaceAll(byAddress);
  }

  /** {@code <service>.<ns>.svc}, from this server's own certificate, or empty. */
  private Optional<String> suffix() {
    if (source == null || podName == null || podName.isBlank()) {
      return Optional.empty();
    }
    List<X509Certificate> chain = source.get().chain();
    if (chain == null || chain.isEmpty()) {
      return Optional.empty();
    }
    return PeerNames.hostOf(chain.get(0), podName.trim())
        .map(h -> h.substring(podName.trim().length() + 1));
  }
}
