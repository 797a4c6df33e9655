package io.shardeddb.router.console;

import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Headers on everything under {@code /console/}: the browser may load scripts, styles and data from
 * the router itself only (no CDN, no inline script), the page cannot be framed, and the URL is not
 * sent on as a referrer.
 */
@ServerFilter("/console/**")
public class ConsoleHeaders {
  static final String POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  @ResponseFilter
  public void secure(MutableHttpResponse<?> response) {
    response.header("Content-Security-Policy", POLICY);
    response.header("X-Content-Type-Options", "nosniff");
    response.header("Referrer-Policy", "no-referrer");
  }
}
