package io.shardeddb.shardserver.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code shardeddb.auth.*}: whether every endpoint but health and metrics needs the database's
 * shard credential, and where the credentials are: a directory holding the mounted Secret ({@code
 * credentials-dir}, every file accepted, the file {@code token} sent to peers, read again every
 * {@code refresh}) or a single {@code token}. The data credential ({@code data-credentials-dir} or
 * {@code data-token}: what routers hold) is accepted on the data endpoints only ({@code
 * ShardAuthFilter}); the shard credential on every endpoint.
 */
@ConfigurationProperties("shardeddb.auth")
public record AuthSettings(
    @Bindable(defaultValue = "true") boolean enabled,
    @Nullable String token,
    @Nullable String credentialsDir,
    @Bindable(defaultValue = "2s") Duration refresh,
    @Nullable String dataCredentialsDir,
    @Nullable String dataToken) {}
