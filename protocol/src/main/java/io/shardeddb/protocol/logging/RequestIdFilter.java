package io.shardeddb.protocol.logging;

import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.MDC;

/**
 * Puts each served request's id ({@link RequestIds}) in the MDC for as long as the request is
 * handled, on whichever thread handles it (Micronaut's propagated context carries it to the
 * blocking executor and the reactive chain), and echoes it in the response's {@value
 * RequestIds#HEADER}. Every log line written while serving the request carries it.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestIdFilter implements Ordered {
  private static final String ATTRIBUTE = "shardeddb.requestId";

  @RequestFilter
  public void tag(HttpRequest<?> request, MutablePropagatedContext context) {
    String id = RequestIds.accept(request.getHeaders().get(RequestIds.HEADER));
    request.setAttribute(ATTRIBUTE, id);
    MDC.put(RequestIds.MDC_KEY, id);
    try {
      context.add(new MdcPropagationContext());
    } finally {
      MDC.remove(RequestIds.MDC_KEY);
    }
  }

  @ResponseFilter
  public void echo(HttpRequest<?> request, MutableHttpResponse<?> response) {
    request
        .getAttribute(ATTRIBUTE, String.class)
        .ifPresent(id -> response.header(RequestIds.HEADER, id));
  }

  /** Before the other filters, so that what they log carries the id. */
  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
