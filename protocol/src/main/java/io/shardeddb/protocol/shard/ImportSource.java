package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One replica of a move's source shard as the operator knows it: its base URL, its pod name and the
 * host name its TLS certificate carries ({@code <pod>.<service>.<ns>.svc}). The importing primary
 * expects that certificate at that address, so a reused pod IP answered by another pod is refused
 * at the handshake (docs/security.md, "Who verifies what").
 */
@Serdeable
public record ImportSource(String url, String pod, String host) {}
