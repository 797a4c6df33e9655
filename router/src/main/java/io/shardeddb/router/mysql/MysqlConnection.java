package io.shardeddb.router.mysql;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.shardeddb.protocol.lb.ReadConsistency;
import io.shardeddb.protocol.lb.SessionToken;
import io.shardeddb.protocol.schema.Column;
import io.shardeddb.router.auth.RouterToken;
import io.shardeddb.router.http.Failure;
import io.shardeddb.router.sql.SqlPlan;
import io.shardeddb.router.sql.SqlTransaction;
import io.shardeddb.router.sql.StatementLimitException;
import io.shardeddb.router.topology.RoutingTable;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MySQL client connection: the handshake (TLS when the client asks, and required when the
 * router's HTTP port is HTTPS), authentication of the data or admin user by the router's token
 * ({@code mysql_native_password}, {@code caching_sha2_password} fast auth, or an auth switch to
 * native for any other plugin), then commands one at a time: COM_QUERY through {@link
 * SessionQueries} or the router's SQL path, COM_INIT_DB, COM_PING, COM_FIELD_LIST, COM_QUIT, and
 * prepared statements (COM_STMT_PREPARE / EXECUTE / CLOSE / RESET, {@link PreparedStatements}; the
 * rows sent in the binary protocol).
 *
 * <p>Why this file is over 450 lines: it is the connection's one state machine (handshake, auth,
 * commands, a statement running), and every field of the session it owns (database, TLS, the
 * credential, the last generated id, the running statement) changes only here. What can be pure is
 * apart: packets, {@link SessionQueries}, {@link StatementReplies}, {@link BinaryProtocol}.
 */
final class MysqlConnection extends SimpleChannelInboundHandler<Packet> {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlConnection.class);

  /** The largest client packet accepted (max_allowed_packet): the HTTP body limit's size. */
  static final int MAX_PACKET = 1 << 20;

  /** How long a client has to finish the handshake. */
  static final int HANDSHAKE_SECONDS = 10;

  /** How long an idle connection stays open (MySQL's wait_timeout). */
  static final int IDLE_SECONDS = 28800;

  static final String TIMEOUT_HANDLER = "timeout";

  private static final AtomicLong IDS = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern USE = Pattern.compile("(?is)use\\s+`?([^`\\s]+)`?");
  private static final Pattern COMMENT =
      Pattern.compile("(?s)^\\s*(/\\*.*?\\*/|--[^\\n]*|#[^\\n]*)");

  private enum State {
    HANDSHAKE,
    AUTH_SWITCH,
    COMMANDS,
    BUSY,
  }

  private final MysqlFrontEnd front;
  private final long id = IDS.incrementAndGet();
  private final byte[] salt = salt();
  private State state = State.HANDSHAKE;
  private boolean tls;
  private HandshakeResponse response;
  private String database;

  /** Whether each statement commits on its own ({@code SET autocommit}). */
  private boolean autocommit = true;

  /**
   * The open transaction (docs/sql.md, "Transactions"): opened by BEGIN / START TRANSACTION, or by
   * {@code SET autocommit=0} (then a new one follows every COMMIT and ROLLBACK); null when none.
   */
  private SqlTransaction txn;

  /** Whether {@link #txn} was opened by BEGIN / START TRANSACTION (the status flag shows it). */
  private boolean begun;

  private volatile long lastInsertId; // the last INSERT's first generated id, for LAST_INSERT_ID()

  /** The name of the token the user authenticated with: whose scans a statement counts against. */
  private String credential;

  /** The statement running (BUSY), cancelled if the client goes away before its reply. */
  private reactor.core.Disposable running;

  /** Whether the command being answered is COM_STMT_EXECUTE (result sets in binary rows). */
  private boolean binary;

  private final PreparedStatements statements = new PreparedStatements();

  MysqlConnection(MysqlFrontEnd front) {
    this.front = front;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    int caps = Capabilities.server(front.tls() != null);
    send(
        ctx,
        0,
        new InitialHandshake(SessionQueries.VERSION, id, salt, caps, Scramble.NATIVE).encode());
    ctx.flush();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
    switch (state) {
      case HANDSHAKE -> handshake(ctx, p);
      case AUTH_SWITCH -> authenticate(ctx, p.sequence() + 1, Scramble.NATIVE, p.payload());
      case COMMANDS -> command(ctx, p);
      case BUSY -> fail(ctx, p.sequence() + 1, 1105, "HY000", "commands out of sync");
    }
  }

  private void handshake(ChannelHandlerContext ctx, Packet p) {
    HandshakeResponse r = HandshakeResponse.decode(p.payload());
    if (r.sslRequest()) {
      if (front.tls() == null || tls) {
        throw new MalformedPacketException("TLS was not offered");
      }
      tls = true;
      ctx.pipeline().addFirst("tls", front.tls().newHandler(ctx.alloc()));
      // A ClientHello that came with the SSLRequest goes through the TLS handler now.
      io.netty.buffer.ByteBuf early =
          ctx.pipeline().get(PacketFraming.Decoder.class).drainAfterSslRequest();
      if (early.isReadable()) {
        ctx.pipeline().fireChannelRead(early);
      } else {
        early.release();
      }
      return;
    }
    if (front.requireTls() && !tls) {
      fail(
          ctx,
          p.sequence() + 1,
          3159,
          "HY000",
          "Connections using insecure transport are prohibited: this router serves TLS only"
              + " (e.g. mysql --ssl, JDBC sslMode=REQUIRED or VERIFY_CA)");
      return;
    }
    response = r;
    String plugin = r.authPlugin() == null ? Scramble.NATIVE : r.authPlugin();
    if (plugin.equals(Scramble.NATIVE) || plugin.equals(Scramble.CACHING_SHA2)) {
      authenticate(ctx, p.sequence() + 1, plugin, r.authResponse());
    } else {
      state = State.AUTH_SWITCH;
      send(ctx, p.sequence() + 1, new AuthSwitchRequest(Scramble.NATIVE, salt).encode());
      ctx.flush();
    }
  }

  private void authenticate(ChannelHandlerContext ctx, int seq, String plugin, byte[] proof) {
    String user = response.user();
    RouterToken token = front.tokenOf(user);
    boolean ok =
        front.open(user)
            || (token != null
                && token.acceptsProof(pw -> Scramble.matches(plugin, pw, salt, proof)));
    if (!ok) {
      fail(
          ctx,
          seq,
          1045,
          "28000",
          "Access denied for user '"
              + user
              + "'@'"
              + host(ctx)
              + "' (using password: "
              + (proof.length == 0 ? "NO" : "YES")
              + ")");
      return;
    }
    if (plugin.equals(Scramble.CACHING_SHA2)) {
      // fast_auth_success: the scramble was checked against the token itself.
      send(ctx, seq++, new byte[] {0x01, 0x03});
    }
    if (response.database() != null && !knownDatabase(response.database())) {
      fail(ctx, seq, 1049, "42000", "Unknown database '" + response.database() + "'");
      return;
    }
    database = response.database();
    credential = token != null ? token.name() : front.tokens().data().name();
    state = State.COMMANDS;
    ctx.pipeline().replace(TIMEOUT_HANDLER, TIMEOUT_HANDLER, new ReadTimeoutHandler(IDLE_SECONDS));
    send(ctx, seq, new OkPacket(0, 0, "").encode());
    ctx.flush();
  }

  private void command(ChannelHandlerContext ctx, Packet p) {
    PacketReader r = new PacketReader(p.payload());
    int seq = p.sequence() + 1;
    int command = r.int1();
    binary = command == 0x17;
    switch (command) {
      case 0x01 -> ctx.close(); // COM_QUIT
      case 0x02 -> reply(ctx, seq, useDatabase(r.rest())); // COM_INIT_DB
      case 0x03 -> query(ctx, seq, r.rest()); // COM_QUERY
      case 0x04 -> fieldList(ctx, seq, r.nul()); // COM_FIELD_LIST
      case 0x0e -> reply(ctx, seq, new MysqlReply.Ok(0, "")); // COM_PING
      case 0x1f -> { // COM_RESET_CONNECTION: as a new session (a pool's reset drops a transaction)
        txn = null;
        begun = false;
        autocommit = true;
        reply(ctx, seq, new MysqlReply.Ok(0, ""));
      }
      case 0x16 -> prepare(ctx, seq, r.rest()); // COM_STMT_PREPARE
      case 0x17 -> execute(ctx, seq, r); // COM_STMT_EXECUTE
      case 0x18 -> statements.longData(r.int4()); // COM_STMT_SEND_LONG_DATA: no reply
      case 0x19 -> statements.close(r.int4()); // COM_STMT_CLOSE: no reply
      case 0x1a -> reply(ctx, seq, new MysqlReply.Ok(0, "")); // COM_STMT_RESET
      default -> reply(ctx, seq, MysqlReply.Error.of(1047, "08S01", "Unknown command " + command));
    }
  }

  private void prepare(ChannelHandlerContext ctx, int seq, String text) {
    PreparedStatements.Prepare p = statements.prepare(normalize(text));
    if (p.error() != null) {
      reply(ctx, seq, p.error());
      return;
    }
    for (byte[] payload : p.payloads()) {
      send(ctx, seq++, payload);
    }
    ctx.flush();
  }

  private void execute(ChannelHandlerContext ctx, int seq, PacketReader r) {
    PreparedStatements.Bound bound = statements.execute(r);
    if (bound.error() != null) {
      reply(ctx, seq, bound.error());
    } else {
      query(ctx, seq, bound.sql());
    }
  }

  private void query(ChannelHandlerContext ctx, int seq, String text) {
    String sql = normalize(text);
    if (sql.isEmpty()) {
      reply(ctx, seq, MysqlReply.Error.of(1065, "42000", "Query was empty"));
      return;
    }
    Matcher use = USE.matcher(sql);
    if (use.matches()) {
      reply(ctx, seq, useDatabase(use.group(1)));
      return;
    }
    if (transactionControl(ctx, seq, sql)) {
      return;
    }
    // Answered before the database is configured too: connectors ask at connect.
    RoutingTable table = front.topology().current();
    SessionQueries.Context context =
        new SessionQueries.Context(
            front.database(),
            database,
            table.initialized() ? table.topology().tableSet() : null,
            response.user(),
            id,
            lastInsertId);
    Optional<MysqlReply> session = SessionQueries.answer(sql, context);
    if (session.isPresent()) {
      reply(ctx, seq, session.get());
      return;
    }
    run(ctx, seq, sql);
  }

  private static final Pattern BEGIN =
      Pattern.compile("(?is)(begin(\\s+work)?|start\\s+transaction(\\s+read\\s+write)?)");
  private static final Pattern COMMIT = Pattern.compile("(?is)commit(\\s+work)?");
  private static final Pattern ROLLBACK = Pattern.compile("(?is)rollback(\\s+work)?");
  private static final Pattern AUTOCOMMIT =
      Pattern.compile(
          "(?is)set\\s+(?:session\\s+|local\\s+|@@session\\.|@@local\\.|@@)?autocommit\\s*=\\s*'?(0|1|on|off|true|false)'?");
  private static final Pattern UNSUPPORTED_TXN =
      Pattern.compile(
          "(?is)(savepoint|release\\s+savepoint|rollback\\s+(work\\s+)?to|start\\s+transaction\\s+|xa|lock\\s+tables?|unlock\\s+tables?)\\b.*");

  /**
   * BEGIN, START TRANSACTION, COMMIT, ROLLBACK and {@code SET autocommit}: answered here (the
   * transaction is this session's), true when {@code sql} was one of them. As in MySQL, BEGIN and
   * {@code SET autocommit=1} commit the transaction that was open; a COMMIT that fails leaves no
   * transaction open (nothing of it was written).
   */
  private boolean transactionControl(ChannelHandlerContext ctx, int seq, String sql) {
    if (BEGIN.matcher(sql).matches()) {
      SqlTransaction open = txn;
      txn = new SqlTransaction();
      begun = true;
      commitThen(ctx, seq, open);
      return true;
    }
    if (COMMIT.matcher(sql).matches()) {
      SqlTransaction open = txn;
      txn = autocommit ? null : new SqlTransaction();
      begun = false;
      commitThen(ctx, seq, open);
      return true;
    }
    if (ROLLBACK.matcher(sql).matches()) {
      txn = autocommit ? null : new SqlTransaction();
      begun = false;
      reply(ctx, seq, new MysqlReply.Ok(0, ""));
      return true;
    }
    Matcher m = AUTOCOMMIT.matcher(sql);
    if (m.matches()) {
      String v = m.group(1).toLowerCase(Locale.ROOT);
      boolean on = v.equals("1") || v.equals("on") || v.equals("true");
      SqlTransaction open = null;
      if (on && !autocommit) {
        open = txn;
        txn = null;
        begun = false;
      } else if (!on && txn == null) {
        txn = new SqlTransaction();
      }
      autocommit = on;
      commitThen(ctx, seq, open);
      return true;
    }
    if (UNSUPPORTED_TXN.matcher(sql).matches()) {
      reply(
          ctx,
          seq,
          MysqlReply.Error.of(
              1235,
              "42000",
              "not supported: savepoints, XA, table locks and START TRANSACTION options other than"
                  + " READ WRITE (docs/sql.md, \"Transactions\")"));
      return true;
    }
    return false;
  }

  /** Commits {@code open} (nothing when null or empty), then answers OK or the failure. */
  private void commitThen(ChannelHandlerContext ctx, int seq, SqlTransaction open) {
    if (open == null || open.isEmpty()) {
      reply(ctx, seq, new MysqlReply.Ok(0, ""));
      return;
    }
    state = State.BUSY;
    ctx.channel().config().setAutoRead(false);
    long start = System.nanoTime();
    running =
        front
            .statements()
            .commit(open)
            .subscribe(
                done -> {
                  front.metrics().sqlStatement("commit", 200, System.nanoTime() - start);
                  finish(ctx, seq, new MysqlReply.Ok(0, ""));
                },
                e -> {
                  Failure f = Failure.of(e, LOG, "a MySQL protocol COMMIT");
                  front.metrics().sqlStatement("commit", f.status(), System.nanoTime() - start);
                  front.metrics().error("mysql", f.status());
                  finish(ctx, seq, StatementReplies.error(f));
                });
  }

  /** The session's status flags: autocommit, and whether a transaction is open. */
  private int status() {
    boolean open = txn != null && (begun || !txn.isEmpty());
    return (autocommit ? Capabilities.STATUS_AUTOCOMMIT : 0)
        | (open ? Capabilities.STATUS_IN_TRANS : 0);
  }

  /** The statement through the router's SQL path, as {@code POST /query} runs it. */
  private void run(ChannelHandlerContext ctx, int seq, String sql) {
    state = State.BUSY;
    ctx.channel().config().setAutoRead(false);
    long start = System.nanoTime();
    String[] kind = {"invalid"};
    running =
        front
            .statements()
            .run(sql, ReadConsistency.PRIMARY, SessionToken.empty(), credential, kind, txn)
            .subscribe(
                ran -> {
                  if (!(ran.plan() instanceof SqlPlan.Select)) {
                    Long generated = ran.response().lastInsertId();
                    lastInsertId = generated != null ? generated : lastInsertId;
                  }
                  front.metrics().sqlStatement(kind[0], 200, System.nanoTime() - start);
                  finish(ctx, seq, StatementReplies.of(ran, front.database()));
                },
                e -> {
                  Failure f = Failure.of(e, LOG, "a MySQL protocol statement");
                  front.metrics().sqlStatement(kind[0], f.status(), System.nanoTime() - start);
                  front.metrics().error("mysql", f.status());
                  finish(
                      ctx,
                      seq,
                      e instanceof StatementLimitException limit
                          ? StatementReplies.limit(limit, response.user())
                          : StatementReplies.error(f));
                });
  }

  /** A client gone mid-statement leaves nothing running: shard calls cancelled, slot freed. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    reactor.core.Disposable r = running;
    if (r != null) {
      r.dispose();
    }
    super.channelInactive(ctx);
  }

  private void finish(ChannelHandlerContext ctx, int seq, MysqlReply reply) {
    ctx.executor()
        .execute(
            () -> {
              state = State.COMMANDS;
              reply(ctx, seq, reply);
              ctx.channel().config().setAutoRead(true);
            });
  }

  private MysqlReply useDatabase(String name) {
    String n = name.strip();
    if (n.startsWith("`") && n.endsWith("`") && n.length() > 1) {
      n = n.substring(1, n.length() - 1);
    }
    if (!knownDatabase(n)) {
      return MysqlReply.Error.of(1049, "42000", "Unknown database '" + n + "'");
    }
    database = n;
    return new MysqlReply.Ok(0, "");
  }

  private boolean knownDatabase(String name) {
    return front.database().equals(name);
  }

  /** COM_FIELD_LIST (the mysql CLI's completion): the table's column definitions, then EOF. */
  private void fieldList(ChannelHandlerContext ctx, int seq, String table) {
    RoutingTable t = front.topology().current();
    io.shardeddb.protocol.schema.TableSchema schema =
        t.initialized() ? t.topology().tableSet().tableOrNull(table) : null;
    if (schema == null) {
      reply(
          ctx,
          seq,
          MysqlReply.Error.of(
              1146, "42S02", "Table '" + front.database() + "." + table + "' doesn't exist"));
      return;
    }
    for (Column c : schema.columns()) {
      send(ctx, seq++, StatementReplies.definition(front.database(), table, c, c.name()).encode());
    }
    send(ctx, seq, new EofPacket().encode());
    ctx.flush();
  }

  private void reply(ChannelHandlerContext ctx, int seq, MysqlReply reply) {
    switch (reply) {
      case MysqlReply.Ok ok ->
          send(
              ctx,
              seq,
              new OkPacket(ok.affectedRows(), ok.lastInsertId(), 0, ok.info(), status()).encode());
      case MysqlReply.Error err -> send(ctx, seq, err.packet().encode());
      case MysqlReply.ResultSet rs -> {
        List<byte[]> payloads = binary ? rs.binaryPayloads(status()) : rs.payloads(status());
        for (byte[] payload : payloads) {
          send(ctx, seq++, payload);
        }
      }
    }
    ctx.flush();
  }

  /** Answers an error and closes the connection (a failed handshake). */
  private void fail(ChannelHandlerContext ctx, int seq, int code, String state, String message) {
    ctx.writeAndFlush(new Packet(seq & 0xff, new ErrPacket(code, state, message).encode()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static void send(ChannelHandlerContext ctx, int seq, byte[] payload) {
    ctx.write(new Packet(seq & 0xff, payload));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable c =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (c instanceof PacketFraming.TooLargeException) {
      fail(ctx, 1, 1153, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes");
    } else if (c instanceof MalformedPacketException) {
      fail(ctx, 2, 1043, "08S01", "Bad handshake or packet: " + c.getMessage());
    } else {
      if (!(c instanceof ReadTimeoutException)) {
        LOG.debug("MySQL connection {} from {} failed: {}", id, host(ctx), c.toString());
      }
      ctx.close();
    }
  }

  /** Strips leading comments and a final ';' (connectors prefix their queries with a comment). */
  static String normalize(String sql) {
    String s = sql;
    Matcher m = COMMENT.matcher(s);
    for (int i = 0; i < 16 && m.find(); i++) {
      s = s.substring(m.end());
      m = COMMENT.matcher(s);
    }
    s = s.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  private static String host(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress()
        : "unknown";
  }

  /** 20 printable bytes, as MySQL's own salts are (some clients stop at a NUL). */
  private static byte[] salt() {
    byte[] s = new byte[20];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (33 + RANDOM.nextInt(94));
    }
    return s;
  }

  static ReadTimeoutHandler handshakeTimeout() {
    return new ReadTimeoutHandler(HANDSHAKE_SECONDS, TimeUnit.SECONDS);
  }
}
