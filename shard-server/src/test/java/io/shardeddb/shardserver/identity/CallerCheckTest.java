package io.shardeddb.shardserver.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.tls.TlsIdentity;
import io.shardeddb.protocol.tls.TlsRole;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.shardserver.identity.CallerCheck.Caller;
import io.shardeddb.shardserver.identity.CallerCheck.Self;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on pod {@code db-sh2-0} of shard sh2 of database ns/db (docs/security.md, "Who
 * may call what"), one rule at a time.
 */
class CallerCheckTest {

  private static final Instant ISSUED = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant NOW = ISSUED.plus(Duration.ofHours(1));
  private static final Self SH2_0 =
      new Self(Optional.of(TlsIdentity.pod("ns", "db", "sh2", "db-sh2-0")), ISSUED);

  private static final Call SNAPSHOT = Call.of("/snapshot", false, false);
  private static final Call LOG = Call.of("/log", false, false);
  private static final Call REPLICATE = Call.of("/replicate", false, false);
  private static final Call EXPORT = Call.of("/snapshot", true, false);
  private static final Call ROLE = Call.of("/role", false, false);
  private static final Call READ = Call.of("/read", false, true);
  private static final Call HEARTBEAT = Call.of("/heartbeat", false, true);

  @Test
  void homeIsCalledAsTheHeartbeatIs() {
    // GET /home (the assignment's greeting) names the server as the heartbeat does: any role of
    // this database may ask, a caller of another database may not.
    Call home = Call.of("/home", false, true);
    assertThat(home.kind()).isEqualTo(Call.Kind.HEARTBEAT);
    Caller other = caller(TlsIdentity.pod("ns", "other", "sh2", "other-sh2-0"));
    assertThat(CallerCheck.decide(other, SH2_0, home, NOW)).isInstanceOf(Decision.Refused.class);
  }

  @Test
  void aPodOfTheSameShardMayReplicate() {
    Caller sibling = caller(TlsIdentity.pod("ns", "db", "sh2", "db-sh2-1"));
    for (Call c : new Call[] {SNAPSHOT, LOG, REPLICATE, EXPORT, HEARTBEAT}) {
      assertThat(CallerCheck.decide(sibling, SH2_0, c, NOW))
          .as(c.endpoint())
          .isEqualTo(Decision.ALLOWED);
    }
  }

  @Test
  void aPodOfAnotherShardIsRefusedReplication() {
    Caller sh1 = caller(TlsIdentity.pod("ns", "db", "sh1", "db-sh1-0"));
    for (Call c : new Call[] {SNAPSHOT, LOG, REPLICATE}) {
      Decision d = CallerCheck.decide(sh1, SH2_0, c, NOW);
      assertThat(d).as(c.endpoint()).isInstanceOf(Decision.Refused.class);
      assertThat(((Decision.Refused) d).reason())
          .contains("only pods of shard sh2 of database ns/db")
          .contains("pod db-sh1-0 of shard sh1");
    }
  }

  @Test
  void anotherShardReadsAnExportOnlyOfARangeTheOperatorGrantedToIt() {
    Caller sh1 = caller(TlsIdentity.pod("ns", "db", "sh1", "db-sh1-0"));
    Call export = Call.of("/snapshot", true, new PointRange(1024, 1024), false);
    List<ExportGrant> toSh1 = List.of(new ExportGrant("m1", "sh1", new PointRange(1024, 2048)));
    List<ExportGrant> toSh3 = List.of(new ExportGrant("m1", "sh3", new PointRange(1024, 2048)));
    List<ExportGrant> smaller = List.of(new ExportGrant("m1", "sh1", new PointRange(1024, 512)));

    assertThat(CallerCheck.decide(sh1, SH2_0, export, toSh1, NOW)).isEqualTo(Decision.ALLOWED);
    for (List<ExportGrant> grants : List.of(List.<ExportGrant>of(), toSh3, smaller)) {
      Decision d = CallerCheck.decide(sh1, SH2_0, export, grants, NOW);
      assertThat(d).as("%s", grants).isInstanceOf(Decision.Refused.class);
      assertThat(((Decision.Refused) d).reason())
          .contains("or of a shard the operator granted that range to")
          .contains("pod db-sh1-0 of shard sh1");
    }
    // An export whose range cannot be read is no granted range.
    assertThat(CallerCheck.decide(sh1, SH2_0, EXPORT, toSh1, NOW))
        .isInstanceOf(Decision.Refused.class);
    // This shard's own pods read exports without a grant.
    Caller sibling = caller(TlsIdentity.pod("ns", "db", "sh2", "db-sh2-1"));
    assertThat(CallerCheck.decide(sibling, SH2_0, export, NOW)).isEqualTo(Decision.ALLOWED);
  }

  @Test
  void anotherDatabasesCertificateIsRefusedWhateverItsRole() {
    Caller pod = caller(TlsIdentity.pod("ns", "other", "sh2", "other-sh2-0"));
    Caller router = caller(TlsIdentity.component("ns", "other", TlsRole.ROUTER));
    Caller operator = caller(TlsIdentity.component("elsewhere", "db", TlsRole.OPERATOR));
    assertRefused(pod, SNAPSHOT, "only certificates of database ns/db", "database ns/other");
    assertRefused(pod, EXPORT, "only certificates of database ns/db", "database ns/other");
    Call granted = Call.of("/log", true, new PointRange(0, 10), false);
    List<ExportGrant> toSh2 = List.of(new ExportGrant("m", "sh2", new PointRange(0, 10)));
    assertThat(CallerCheck.decide(pod, SH2_0, granted, toSh2, NOW))
        .isInstanceOf(Decision.Refused.class);
    assertRefused(pod, HEARTBEAT, "only certificates of database ns/db", "database ns/other");
    assertRefused(router, READ, "only certificates of database ns/db", "database ns/other");
    assertRefused(operator, ROLE, "only certificates of database ns/db", "database elsewhere/db");
  }

  @Test
  void eachRoleOfThisDatabaseReachesItsOwnEndpointsOnly() {
    Caller router = caller(TlsIdentity.component("ns", "db", TlsRole.ROUTER));
    Caller operator = caller(TlsIdentity.component("ns", "db", TlsRole.OPERATOR));
    assertThat(CallerCheck.decide(router, SH2_0, READ, NOW)).isEqualTo(Decision.ALLOWED);
    assertThat(CallerCheck.decide(operator, SH2_0, ROLE, NOW)).isEqualTo(Decision.ALLOWED);
    assertRefused(router, SNAPSHOT, "role [shard-server]", "got role router");
    assertRefused(operator, REPLICATE, "role [shard-server]", "got role operator");
    assertRefused(router, ROLE, "role [operator]", "got role router");
    assertRefused(Caller.NONE, HEARTBEAT, "role [operator, router, shard-server]", "got none");
  }

  @Test
  void aCertificateWithoutIdentityPassesOnlyDuringTheUpgradeWindowAndOnlyIfOlder() {
    Caller older = legacy(TlsRole.SHARD_SERVER, ISSUED.minus(Duration.ofDays(10)));
    Caller newer = legacy(TlsRole.SHARD_SERVER, ISSUED.plus(Duration.ofMinutes(1)));
    Instant inWindow = ISSUED.plus(CallerCheck.LEGACY_GRACE).minusSeconds(1);
    Instant after = ISSUED.plus(CallerCheck.LEGACY_GRACE);
    assertThat(CallerCheck.decide(older, SH2_0, SNAPSHOT, inWindow))
        .isInstanceOf(Decision.AllowedLegacy.class);
    assertRefused(older, SNAPSHOT, after, "names no database", "database ns/db, shard sh2");
    assertRefused(newer, SNAPSHOT, inWindow, "names no database", "database ns/db, shard sh2");
  }

  @Test
  void aServerWhoseOwnCertificateNamesNoIdentityChecksTheRoleOnly() {
    Caller sh1 = caller(TlsIdentity.pod("ns", "db", "sh1", "db-sh1-0"));
    assertThat(CallerCheck.decide(sh1, Self.LEGACY, SNAPSHOT, NOW)).isEqualTo(Decision.ALLOWED);
    assertThat(CallerCheck.decide(legacy(TlsRole.SHARD_SERVER, NOW), Self.LEGACY, LOG, NOW))
        .isEqualTo(Decision.ALLOWED);
    assertRefused(
        caller(TlsIdentity.component("ns", "db", TlsRole.ROUTER)),
        Self.LEGACY,
        SNAPSHOT,
        "role [shard-server]");
  }

  @Test
  void aMalformedIdentityIsRefused() {
    Caller odd =
        new Caller(
            Optional.of(TlsRole.SHARD_SERVER),
            new TlsIdentity.Read(Optional.empty(), true),
            ISSUED);
    assertRefused(odd, SNAPSHOT, "malformed or conflicting identity");
  }

  @Test
  void replicateComesOnlyFromThePodItNamesAsPrimary() {
    Optional<TlsIdentity> sh2_1 = Optional.of(TlsIdentity.pod("ns", "db", "sh2", "db-sh2-1"));
    assertThat(CallerCheck.sender(sh2_1, "db-sh2-1")).isEqualTo(Decision.ALLOWED);
    Decision lie = CallerCheck.sender(sh2_1, "db-sh2-0");
    assertThat(lie).isInstanceOf(Decision.Refused.class);
    assertThat(((Decision.Refused) lie).reason())
        .contains("names primary db-sh2-0 but comes from pod db-sh2-1");
    assertThat(CallerCheck.sender(Optional.empty(), "db-sh2-0")).isEqualTo(Decision.ALLOWED);
  }

  @Test
  void callsAreClassifiedByPathAndRangeQuery() {
    assertThat(Call.of("/log", true, false).kind()).isEqualTo(Call.Kind.EXPORT);
    assertThat(Call.of("/log", false, false).kind()).isEqualTo(Call.Kind.REPLICATION);
    assertThat(Call.of("/replicate", true, false).kind()).isEqualTo(Call.Kind.REPLICATION);
    assertThat(Call.of("/import", true, false).kind()).isEqualTo(Call.Kind.CONTROL);
    assertThat(Call.of("/anything-else", false, false).kind()).isEqualTo(Call.Kind.CONTROL);
    assertThat(Call.of("/write", false, true).kind()).isEqualTo(Call.Kind.DATA);
  }

  private static Caller caller(TlsIdentity id) {
    return new Caller(Optional.of(id.role()), new TlsIdentity.Read(Optional.of(id), false), ISSUED);
  }

  private static Caller legacy(TlsRole role, Instant issued) {
    return new Caller(Optional.of(role), new TlsIdentity.Read(Optional.empty(), false), issued);
  }

  private static void assertRefused(Caller caller, Call call, String... parts) {
    assertRefused(caller, SH2_0, call, NOW, parts);
  }

  private static void assertRefused(Caller caller, Call call, Instant at, String... parts) {
    assertRefused(caller, SH2_0, call, at, parts);
  }

  private static void assertRefused(Caller caller, Self self, Call call, String... parts) {
    assertRefused(caller, self, call, NOW, parts);
  }

  private static void assertRefused(
      Caller caller, Self self, Call call, Instant at, String... parts) {
    Decision d = CallerCheck.decide(caller, self, call, at);
    assertThat(d).as(call.endpoint()).isInstanceOf(Decision.Refused.class);
    assertThat(((Decision.Refused) d).reason()).as(call.endpoint()).contains(parts);
  }
}
