package io.shardeddb.api;

/**
 * The keys of the Secrets a ShardedDatabase uses (the router's tokens, the shard credential, the
 * MySQL credentials): the operator writes them, pods read them by {@code secretKeyRef}, and the CLI
 * reads the router token by them.
 */
public final class SecretKeys {

  /** Key of the router token (data endpoints), and of the shard credential callers send. */
  public static final String TOKEN = "token";

  /** Key of the router's admin token ({@code /init}, {@code /add}, {@code /rm}, {@code /admin}). */
  public static final String ADMIN_TOKEN = "admin-token";

  /**
   * Key, in a database's scrape credential Secret ({@code <db>-metrics}), of the token the chart's
   * PodMonitors send (the operator's setting {@code shardeddb.metrics-scraper.token}).
   */
  public static final String SCRAPER_TOKEN = "scraper";

  /** Keys of the MySQL credentials. */
  public static final String MYSQL_USERNAME = "username";

  public static final String MYSQL_PASSWORD = "password";
  public static final String MYSQL_ROOT_PASSWORD = "root-password";

  private SecretKeys() {}
}
