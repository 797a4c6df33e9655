package io.shardeddb.shardserver.config;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.shardeddb.protocol.management.ManagementListeners;
import jakarta.inject.Singleton;

/**
 * With TLS on and a management port set, that port speaks TLS too, with this pod's certificate
 * ({@link ManagementListeners}: the API and management listeners share the server's one SSL
 * context, {@code TlsServerSslBuilder}'s).
 */
@Singleton
@Requires(property = "shardeddb.tls.enabled", value = "true")
@Requires(property = "endpoints.all.port", pattern = "\\d+")
public class ManagementTlsListeners
    implements BeanCreatedEventListener<NettyHttpServerConfiguration> {

  private final int managementPort;
  private final BeanProvider<ServerSslConfiguration> ssl;

  public ManagementTlsListeners(
      @Value("${endpoints.all.port}") int managementPort,
      BeanProvider<ServerSslConfiguration> ssl) {
    this.managementPort = managementPort;
    this.ssl = ssl;
  }

  @Override
  public NettyHttpServerConfiguration onCreated(BeanCreatedEvent<NettyHttpServerConfiguration> e) {
    ManagementListeners.useTls(e.getBean(), ssl.get(), managementPort);
    return e.getBean();
  }
}
