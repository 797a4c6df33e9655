package io.shardeddb.router.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import jakarta.inject.Singleton;

/**
 * The assignment's clients may send {@code GET /read} with a JSON body. Micronaut never reads a GET
 * body, so this Netty handler, placed right after the HTTP codec, turns such a request into {@code
 * POST /read} (same path, same body) before routing. Other GETs are untouched.
 */
@Singleton
public class GetReadWithBody implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
  private static final String NAME = "shardeddb-get-read-with-body";

  @Override
  public NettyServerCustomizer.Registry onCreated(
      BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
    NettyServerCustomizer.Registry registry = event.getBean();
    registry.register(new Customizer(null));
    return registry;
  }

  /** Adds the rewriting handler to every connection's HTTP/1 pipeline. */
  private record Customizer(Channel channel) implements NettyServerCustomizer {
    @Override
    public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
      return new Customizer(channel);
    }

    @Override
    public void onStreamPipelineBuilt() {
      if (channel != null
          && channel.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
          && channel.pipeline().get(NAME) == null) {
        channel
            .pipeline()
            .addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, NAME, new Rewrite());
      }
    }
  }

  /** Rewrites {@code GET /read} with a body to {@code POST /read}. */
  @ChannelHandler.Sharable
  static final class Rewrite extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest r
          && r.method() == HttpMethod.GET
          && isRead(r.uri())
          && (HttpUtil.getContentLength(r, 0L) > 0 || HttpUtil.isTransferEncodingChunked(r))) {
        r.setMethod(HttpMethod.POST);
      }
      ctx.fireChannelRead(msg);
    }

    private static boolean isRead(String uri) {
      return uri.equals("/read") || uri.startsWith("/read?");
    }
  }
}
