package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), for tests: whether a connection from
 * one endpoint to another on a port is allowed by a set of policies. A pod is isolated for a
 * direction when some policy of its namespace selects it and lists that direction in its {@code
 * policyTypes}; an isolated pod's connection needs a rule of a selecting policy whose peers match
 * the other end (no peers: any) and whose ports match (none: any). A connection needs both the
 * source's egress and the destination's ingress. Peers: a pod selector alone means pods of the
 * policy's namespace; a namespace selector selects namespaces by their labels; an {@code ipBlock}
 * is matched against addresses outside the cluster only (as Cilium does; Calico also matches pod
 * addresses, so a policy correct here is correct there).
 */
final class PolicyEvaluator {

  /** A pod (namespace set) or an address outside the cluster (namespace null). */
  record Endpoint(String name, String namespace, Map<String, String> labels, String ip) {
    static Endpoint pod(String name, String namespace, Map<String, String> labels) {
      return new Endpoint(name, namespace, labels, null);
    }

    static Endpoint external(String name, String ip) {
      return new Endpoint(name, null, Map.of(), ip);
    }

    boolean isPod() {
      return namespace != null;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final List<NetworkPolicy> policies;
  private final Map<String, Map<String, String>> namespaceLabels;

  /** {@code namespaceLabels}: each namespace's labels (its name label is added). */
  PolicyEvaluator(List<NetworkPolicy> policies, Map<String, Map<String, String>> namespaceLabels) {
    this.policies = policies;
    this.namespaceLabels = namespaceLabels;
  }

  boolean allows(Endpoint from, Endpoint to, int port, String protocol) {
    return egressAllows(from, to, port, protocol) && ingressAllows(from, to, port, protocol);
  }

  private boolean ingressAllows(Endpoint from, Endpoint to, int port, String protocol) {
    if (!to.isPod()) {
      return true;
    }
    List<NetworkPolicy> selecting = selecting(to, "Ingress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (NetworkPolicy p : selecting) {
      for (var rule : nullToEmpty(p.getSpec().getIngress())) {
        if (peersMatch(rule.getFrom(), p, from) && portsMatch(rule.getPorts(), port, protocol)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean egressAllows(Endpoint from, Endpoint to, int port, String protocol) {
    if (!from.isPod()) {
      return true;
    }
    List<NetworkPolicy> selecting = selecting(from, "Egress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (NetworkPolicy p : selecting) {
      for (var rule : nullToEmpty(p.getSpec().getEgress())) {
        if (peersMatch(rule.getTo(), p, to) && portsMatch(rule.getPorts(), port, protocol)) {
          return true;
        }
      }
    }
    return false;
  }

  private List<NetworkPolicy> selecting(Endpoint pod, String type) {
    return policies.stream()
        .filter(p -> pod.namespace().equals(p.getMetadata().getNamespace()))
        .filter(p -> types(p).contains(type))
        .filter(p -> matches(p.getSpec().getPodSelector(), pod.labels()))
        .toList();
  }

  /** policyTypes, defaulted as the API server does: Ingress, plus Egress when rules exist. */
  private static List<String> types(NetworkPolicy p) {
    List<String> types = p.getSpec().getPolicyTypes();
    if (types != null && !types.isEmpty()) {
      return types;
    }
    return p.getSpec().getEgress() == null || p.getSpec().getEgress().isEmpty()
        ? List.of("Ingress")
        : List.of("Ingress", "Egress");
  }

  private boolean peersMatch(List<NetworkPolicyPeer> peers, NetworkPolicy p, Endpoint other) {
    if (peers == null || peers.isEmpty()) {
      return true;
    }
    return peers.stream().anyMatch(peer -> peerMatches(peer, p, other));
  }

  private boolean peerMatches(NetworkPolicyPeer peer, NetworkPolicy p, Endpoint other) {
    if (peer.getIpBlock() != null) {
      return !other.isPod() && inBlock(peer.getIpBlock(), other.ip());
    }
    if (!other.isPod()) {
      return false;
    }
    boolean namespaceOk =
        peer.getNamespaceSelector() == null
            ? other.namespace().equals(p.getMetadata().getNamespace())
            : matches(peer.getNamespaceSelector(), labelsOf(other.namespace()));
    boolean podOk = peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels());
    return namespaceOk && podOk;
  }

  private Map<String, String> labelsOf(String namespace) {
    Map<String, String> labels =
        new java.util.HashMap<>(namespaceLabels.getOrDefault(namespace, Map.of()));
    labels.put(NetworkPolicies.NAMESPACE_NAME_LABEL, namespace);
    return labels;
  }

  private static boolean portsMatch(List<NetworkPolicyPort> ports, int port, String protocol) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort p : ports) {
      String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!proto.equals(protocol)) {
        continue;
      }
      if (p.getPort() == null) {
        return true;
      }
      if (p.getPort().getStrVal() != null) {
        throw new IllegalArgumentException("named ports are not evaluated: " + p.getPort());
      }
      int low = p.getPort().getIntVal();
      int high = p.getEndPort() == null ? low : p.getEndPort();
      if (port >= low && port <= high) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (LabelSelectorRequirement r : nullToEmpty(selector.getMatchExpressions())) {
      String value = labels.get(r.getKey());
      boolean ok =
          switch (r.getOperator()) {
            case "In" -> value != null && r.getValues().contains(value);
            case "NotIn" -> value == null || !r.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("operator " + r.getOperator());
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean inBlock(IPBlock block, String ip) {
    if (!inCidr(block.getCidr(), ip)) {
      return false;
    }
    return nullToEmpty(block.getExcept()).stream().noneMatch(e -> inCidr(e, ip));
  }

  private static boolean inCidr(String cidr, String ip) {
    try {
      String[] parts = cidr.split("/");
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      byte[] addr = InetAddress.getByName(ip).getAddress();
      if (net.length != addr.length) {
        return false;
      }
      int bits = Integer.parseInt(parts[1]);
      int shift = net.length * 8 - bits;
      return new BigInteger(1, net)
          .shiftRight(shift)
          .equals(new BigInteger(1, addr).shiftRight(shift));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
