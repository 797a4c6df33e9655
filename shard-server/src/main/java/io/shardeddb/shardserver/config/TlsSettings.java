package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code shardeddb.tls.*}: whether this server speaks TLS (HTTPS only on its port, mTLS identities
 * of callers checked per endpoint by {@code ShardAuthFilter}), and the mounted Secret directory
 * holding {@code ca.crt}, {@code tls.crt} and {@code tls.key} (read again every {@code refresh}, so
 * a renewed certificate applies without a restart). With {@code pod-name} ({@code
 * SHARDEDDB_TLS_POD_NAME}, the pod's name) the server presents {@code <pod-name>.crt/.key} of the
 * directory (its shard's Secret of per-pod certificates) instead. Enabled without a directory
 * refuses to start.
 */
@ConfigurationProperties("shardeddb.tls")
public record TlsSettings(
    @Bindable(defaultValue = "false") boolean enabled,
    @Nullable String dir,
    @Bindable(defaultValue = "10s") Duration refresh,
    @Nullable String podName) {}
