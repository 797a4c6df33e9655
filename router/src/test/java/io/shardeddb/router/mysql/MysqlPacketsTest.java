package io.shardeddb.router.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MySQL packets byte for byte, as the protocol documentation lays them out: pure encode and
 * decode, the two password scrambles against vectors computed independently (Python's hashlib by
 * the documented formulas), and the framing, which stops after an SSLRequest so that a ClientHello
 * in the same segment reaches TLS.
 */
class MysqlPacketsTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] SALT = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);

  @Test
  void lengthEncodedIntegersUseOneThreeFourOrNineBytes() {
    assertThat(HEX.formatHex(new PacketWriter().lenenc(250).toBytes())).isEqualTo("fa");
    assertThat(HEX.formatHex(new PacketWriter().lenenc(251).toBytes())).isEqualTo("fcfb00");
    assertThat(HEX.formatHex(new PacketWriter().lenenc(65536).toBytes())).isEqualTo("fd000001");
    assertThat(HEX.formatHex(new PacketWriter().lenenc(1L << 24).toBytes()))
        .isEqualTo("fe0000000100000000");
    for (long v : new long[] {0, 250, 251, 65535, 65536, (1 << 24) - 1, 1L << 24, 1L << 40}) {
      assertThat(new PacketReader(new PacketWriter().lenenc(v).toBytes()).lenenc()).isEqualTo(v);
    }
  }

  @Test
  void theHandshakeCarriesVersionSaltCapabilitiesAndPlugin() {
    byte[] p =
        new InitialHandshake(
                "8.0.36-shardeddb", 7, SALT, Capabilities.server(true), "mysql_native_password")
            .encode();
    PacketReader r = new PacketReader(p);
    assertThat(r.int1()).isEqualTo(10);
    assertThat(r.nul()).isEqualTo("8.0.36-shardeddb");
    assertThat(r.int4()).isEqualTo(7);
    byte[] part1 = r.bytes(8);
    assertThat(r.int1()).isZero();
    int low = r.int2();
    assertThat(r.int1()).isEqualTo(45);
    assertThat(r.int2()).isEqualTo(Capabilities.STATUS_AUTOCOMMIT);
    int caps = low | r.int2() << 16;
    assertThat(caps & Capabilities.SSL).isNotZero();
    assertThat(caps & Capabilities.PLUGIN_AUTH).isNotZero();
    assertThat(r.int1()).isEqualTo(21);
    r.skip(10);
    byte[] part2 = r.bytes(12);
    assertThat(r.int1()).isZero();
    assertThat(
            new String(part1, StandardCharsets.US_ASCII)
                + new String(part2, StandardCharsets.US_ASCII))
        .isEqualTo("abcdefghijklmnopqrst");
    assertThat(r.nul()).isEqualTo("mysql_native_password");
    assertThat(r.remaining()).isZero();
    assertThat(Capabilities.server(false) & Capabilities.SSL).isZero();
  }

  static PacketWriter responseHead(int caps) {
    return new PacketWriter().int4(caps).int4(1 << 24).int1(45).zeros(23);
  }

  @Test
  void aHandshakeResponseGivesUserProofDatabaseAndPlugin() {
    int caps =
        Capabilities.PROTOCOL_41
            | Capabilities.SECURE_CONNECTION
            | Capabilities.PLUGIN_AUTH
            | Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.CONNECT_WITH_DB
            | Capabilities.CONNECT_ATTRS;
    byte[] proof = new byte[20];
    proof[0] = 1;
    byte[] p =
        responseHead(caps)
            .nul("sdb")
            .lenenc(proof)
            .nul("students")
            .nul("caching_sha2_password")
            .lenenc(new PacketWriter().lenenc("_client_name").lenenc("x").toBytes())
            .toBytes();
    HandshakeResponse r = HandshakeResponse.decode(p);
    assertThat(r.sslRequest()).isFalse();
    assertThat(r.user()).isEqualTo("sdb");
    assertThat(r.authResponse()).isEqualTo(proof);
    assertThat(r.database()).isEqualTo("students");
    assertThat(r.authPlugin()).isEqualTo("caching_sha2_password");

    // Without CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA: a one-byte length; no database, no plugin.
    HandshakeResponse old =
        HandshakeResponse.decode(
            responseHead(Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION)
                .nul("sdb")
                .int1(0)
                .toBytes());
    assertThat(old.authResponse()).isEmpty();
    assertThat(old.database()).isNull();
    assertThat(old.authPlugin()).isNull();
  }

  @Test
  void anSslRequestIsTheFirst32BytesWithTheSslFlag() {
    HandshakeResponse r =
        HandshakeResponse.decode(
            responseHead(Capabilities.PROTOCOL_41 | Capabilities.SSL).toBytes());
    assertThat(r.sslRequest()).isTrue();
    assertThatThrownBy(
            () -> HandshakeResponse.decode(responseHead(Capabilities.PROTOCOL_41).toBytes()))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> HandshakeResponse.decode(new byte[] {1, 2}))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void theScramblesMatchTheDocumentedFormulas() {
    assertThat(HEX.formatHex(Scramble.nativePassword("secret", SALT)))
        .isEqualTo("8817c50fa779daef010ee7577825b0847df9842e");
    assertThat(HEX.formatHex(Scramble.cachingSha2("secret", SALT)))
        .isEqualTo("c76e2898612a4cf042c77fa8c4702c4c64c0c2c557c53c4d75595aaa6abae809");
    byte[] proof = Scramble.nativePassword("secret", SALT);
    assertThat(Scramble.matches(Scramble.NATIVE, "secret", SALT, proof)).isTrue();
    assertThat(Scramble.matches(Scramble.NATIVE, "other", SALT, proof)).isFalse();
    assertThat(Scramble.matches(Scramble.CACHING_SHA2, "secret", SALT, proof)).isFalse();
    assertThat(Scramble.matches(Scramble.NATIVE, "secret", SALT, new byte[0])).isFalse();
  }

  @Test
  void okErrEofAndAuthSwitchAreLaidOutAsDocumented() {
    assertThat(HEX.formatHex(new OkPacket(3, 0, "").encode()))
        .isEqualTo("00" + "03" + "00" + "0200" + "0000");
    assertThat(HEX.formatHex(new ErrPacket(1062, "23000", "dup").encode()))
        .isEqualTo("ff2604" + HEX.formatHex("#23000dup".getBytes(StandardCharsets.US_ASCII)));
    assertThat(HEX.formatHex(new EofPacket().encode())).isEqualTo("fe00000200");
    byte[] sw = new AuthSwitchRequest("mysql_native_password", SALT).encode();
    PacketReader r = new PacketReader(sw);
    assertThat(r.int1()).isEqualTo(0xfe);
    assertThat(r.nul()).isEqualTo("mysql_native_password");
    assertThat(r.bytes(20)).isEqualTo(SALT);
    assertThat(r.int1()).isZero();
    assertThatThrownBy(() -> new ErrPacket(1, "bad", "m"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aColumnDefinitionAndARowCarryTypesAndNulls() {
    PacketReader r =
        new PacketReader(ColumnDefinition.longlong("students", "students", "Stud_id").encode());
    assertThat(new String(r.lenencBytes(), StandardCharsets.UTF_8)).isEqualTo("def");
    assertThat(new String(r.lenencBytes(), StandardCharsets.UTF_8)).isEqualTo("students");
    r.lenencBytes();
    r.lenencBytes();
    assertThat(new String(r.lenencBytes(), StandardCharsets.UTF_8)).isEqualTo("Stud_id");
    r.lenencBytes();
    assertThat(r.lenenc()).isEqualTo(0x0c);
    assertThat(r.int2()).isEqualTo(63);
    assertThat(r.int4()).isEqualTo(20);
    assertThat(r.int1()).isEqualTo(ColumnDefinition.TYPE_LONGLONG);
    assertThat(HEX.formatHex(new TextRow(java.util.Arrays.asList("ab", null)).encode()))
        .isEqualTo("026162fb");
  }

  @Test
  void binaryParametersBecomeLiteralsAndRowsCarryANullBitmap() {
    byte[] execute =
        new PacketWriter()
            .int1(0) // flags
            .int4(1) // iterations
            .int1(0b100) // the third parameter is NULL
            .int1(1) // types follow
            .int2(0x08)
            .int2(0xfd)
            .int2(0x06)
            .int8(-5)
            .lenenc("a'b")
            .toBytes();
    int[] types = new int[3];
    assertThat(BinaryProtocol.parameters(new PacketReader(execute), 3, types))
        .containsExactly("-5", "'a\\'b'", "NULL");
    assertThat(types).containsExactly(0x08, 0xfd, 0x06);
    byte[] date =
        new PacketWriter()
            .int1(0)
            .int4(1)
            .int1(0)
            .int1(1)
            .int2(0x0c) // DATETIME
            .int1(11)
            .int2(2026)
            .int1(11)
            .int1(26)
            .int1(10)
            .int1(15)
            .int1(30)
            .int4(250_000)
            .toBytes();
    assertThat(BinaryProtocol.parameters(new PacketReader(date), 1, new int[1]))
        .containsExactly("'2026-11-26 10:15:30.250000'");
    byte[] time = new PacketWriter().int1(0).int4(1).int1(0).int1(1).int2(0x0b).int1(0).toBytes();
    assertThatThrownBy(() -> BinaryProtocol.parameters(new PacketReader(time), 1, new int[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("times and years");
    MysqlReply.ResultSet dates =
        new MysqlReply.ResultSet(
            List.of(
                new ColumnDefinition("", "", "at", ColumnDefinition.TYPE_DATETIME, 26, 6, false)),
            List.of(new TextRow(List.of("2026-11-26 10:15:30.25"))));
    // Header, an empty null bitmap, then length 11, 2026 (ea07), 11, 26, 10, 15, 30, 250000 µs.
    assertThat(HEX.formatHex(BinaryProtocol.rows(dates).get(0)))
        .isEqualTo("00" + "00" + "0b" + "ea07" + "0b1a0a0f1e" + "90d00300");

    MysqlReply.ResultSet rs =
        new MysqlReply.ResultSet(
            List.of(ColumnDefinition.longlong("", "", "a"), ColumnDefinition.text("", "", "b", 8)),
            List.of(new TextRow(java.util.Arrays.asList("7", null))));
    // Header 00, a null bitmap of (2 + 7 + 2) / 8 = 1 byte with bit 2 + 1 set, then 7 as 8 bytes.
    assertThat(HEX.formatHex(BinaryProtocol.rows(rs).get(0)))
        .isEqualTo("00" + "08" + "0700000000000000");
  }

  @Test
  void framingSplitsAndJoinsPacketsAndRefusesOversizedOnes() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new PacketFraming.Decoder(16), new PacketFraming.Encoder());
    // The first packet is not an SSLRequest; two packets, the second split across writes.
    ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("0300000061626302000001")));
    ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("7879")));
    Packet a = ch.readInbound();
    Packet b = ch.readInbound();
    assertThat(new String(a.payload(), StandardCharsets.US_ASCII)).isEqualTo("abc");
    assertThat(b.sequence()).isEqualTo(1);
    assertThat(new String(b.payload(), StandardCharsets.US_ASCII)).isEqualTo("xy");

    ch.writeOutbound(new Packet(5, new byte[] {9}));
    ByteBuf out = ch.readOutbound();
    assertThat(HEX.formatHex(io.netty.buffer.ByteBufUtil.getBytes(out)))
        .isEqualTo("01000005" + "09");
    out.release();

    assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("110000000000"))))
        .isInstanceOf(DecoderException.class)
        .hasCauseInstanceOf(PacketFraming.TooLargeException.class);
  }

  @Test
  void framingStopsAfterAnSslRequestAndHandsBackWhatFollows() {
    PacketFraming.Decoder decoder = new PacketFraming.Decoder(1 << 20);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    byte[] ssl = responseHead(Capabilities.PROTOCOL_41 | Capabilities.SSL).toBytes();
    ByteBuf in = Unpooled.buffer();
    in.writeMediumLE(ssl.length).writeByte(1).writeBytes(ssl);
    in.writeBytes(HEX.parseHex("1603010005")); // the start of a TLS ClientHello
    ch.writeInbound(in);
    Packet p = ch.readInbound();
    assertThat(HandshakeResponse.decode(p.payload()).sslRequest()).isTrue();
    assertThat((Object) ch.readInbound()).isNull();
    ByteBuf rest = decoder.drainAfterSslRequest();
    assertThat(HEX.formatHex(io.netty.buffer.ByteBufUtil.getBytes(rest))).isEqualTo("1603010005");
    rest.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void connectorQueriesAreAnsweredWithoutAShard() {
    var schema =
        new io.shardeddb.protocol.schema.TableSchema(
            "students",
            "Stud_id",
            List.of(
                new io.shardeddb.protocol.schema.Column(
                    "Stud_id", io.shardeddb.protocol.schema.ColumnType.Number)));
    SessionQueries.Context ctx =
        new SessionQueries.Context("students", "students", schema, "sdb", 3);
    MysqlReply vars =
        SessionQueries.answer(
                "SELECT @@session.auto_increment_increment AS auto_increment_increment,"
                    + " @@character_set_client AS character_set_client, @@max_allowed_packet",
                ctx)
            .orElseThrow();
    assertThat(vars)
        .isInstanceOfSatisfying(
            MysqlReply.ResultSet.class,
            rs -> {
              assertThat(rs.columns())
                  .extracting(ColumnDefinition::name)
                  .containsExactly(
                      "auto_increment_increment", "character_set_client", "@@max_allowed_packet");
              assertThat(rs.rows().get(0).values()).containsExactly("1", "utf8mb4", "1048576");
            });
    assertThat(
            SessionQueries.answer(
                    "SELECT LAST_INSERT_ID()",
                    new SessionQueries.Context("students", "students", schema, "sdb", 3, 1501))
                .orElseThrow())
        .isInstanceOfSatisfying(
            MysqlReply.ResultSet.class,
            rs -> {
              assertThat(rs.columns().get(0).type()).isEqualTo(ColumnDefinition.TYPE_LONGLONG);
              assertThat(rs.rows().get(0).values()).containsExactly("1501");
            });
    assertThat(SessionQueries.answer("select @@version_comment limit 1", ctx).orElseThrow())
        .isInstanceOfSatisfying(
            MysqlReply.ResultSet.class,
            rs -> assertThat(rs.rows().get(0).values().get(0)).startsWith("ShardedDB"));
    assertThat(SessionQueries.answer("SELECT @@nosuch", ctx).orElseThrow())
        .isInstanceOfSatisfying(
            MysqlReply.Error.class, e -> assertThat(e.packet().code()).isEqualTo(1193));
    assertThat(SessionQueries.answer("SET NAMES utf8mb4", ctx))
        .containsInstanceOf(MysqlReply.Ok.class);
    assertThat(SessionQueries.answer("SET autocommit=1", ctx))
        .containsInstanceOf(MysqlReply.Ok.class);
    assertThat(SessionQueries.answer("SET GLOBAL max_connections = 1", ctx).orElseThrow())
        .isInstanceOfSatisfying(
            MysqlReply.Error.class, e -> assertThat(e.packet().code()).isEqualTo(1227));
    assertThat(
            SessionQueries.answer("SHOW VARIABLES LIKE 'character\\_set\\_c%'", ctx).orElseThrow())
        .isInstanceOfSatisfying(
            MysqlReply.ResultSet.class,
            rs ->
                assertThat(rs.rows())
                    .extracting(row -> row.values().get(0))
                    .containsExactly("character_set_client", "character_set_connection"));
    assertThat(SessionQueries.answer("SHOW WARNINGS", ctx))
        .containsInstanceOf(MysqlReply.ResultSet.class);
    // The data statements are not session queries.
    assertThat(SessionQueries.answer("SELECT Stud_id FROM students", ctx)).isEmpty();
    assertThat(SessionQueries.answer("SELECT COUNT(*) FROM students", ctx)).isEmpty();
    assertThat(SessionQueries.answer("SELECT 1 FROM students", ctx)).isEmpty();
    assertThat(MysqlConnection.normalize("/* mysql-connector-j-9.4.0 */ SELECT 1 ;"))
        .isEqualTo("SELECT 1");
  }

  @Test
  void sqlPathFailuresGetMysqlCodes() {
    record Case(int status, String message, int code) {}
    for (Case c :
        List.of(
            new Case(400, "unknown column 'x' (table students has ...)", 1054),
            new Case(400, "unknown table 'other' (this database has [students, orders])", 1146),
            new Case(400, "subqueries are not supported (FROM must name table students)", 1235),
            new Case(400, "could not parse the query: ...", 1064),
            new Case(
                409,
                "0 Data entries added; shard sh1 failed: Data entry with Stud_id:5 already exists",
                1062),
            new Case(409, "database is not configured yet; call /init first", 1105),
            new Case(503, "no primary", 1105))) {
      assertThat(
              StatementReplies.error(new io.shardeddb.router.http.Failure(c.status(), c.message()))
                  .packet()
                  .code())
          .as(c.message())
          .isEqualTo(c.code());
    }
  }
}
