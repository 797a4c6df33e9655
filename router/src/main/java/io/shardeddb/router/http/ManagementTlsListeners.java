package io.shardeddb.router.http;

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
 * With the router serving TLS and a management port set, that port speaks TLS too, with the
 * certificate the client port presents ({@link ManagementListeners}: one SSL context, {@link
 * RouterServerSslBuilder}'s, so a renewal reaches both without a restart).
 */
@Singleton
@Requires(property = "shardeddb.router.tls.serve-tls", value = "true")
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
