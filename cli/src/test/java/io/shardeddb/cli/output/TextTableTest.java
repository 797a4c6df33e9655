package io.shardeddb.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Columns follow their widest cell, so long names never shift the columns after them. */
class TextTableTest {

  @Test
  void aLongCellWidensItsColumnAndEveryLaterColumnStaysAligned() {
    String longPod = "a-very-long-database-name-for-a-team-sh12-replica-10"; // 52 characters
    String table =
        new TextTable("POD", "ROLE", "LSN")
            .row("db-sh1-0", "Primary", 12)
            .row(longPod, "Secondary", null)
            .render();
    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(3);
    int role = lines.get(0).indexOf("ROLE");
    int lsn = lines.get(0).indexOf("LSN");
    assertThat(role).isEqualTo(longPod.length() + 2);
    assertThat(lines.get(1).indexOf("Primary")).isEqualTo(role);
    assertThat(lines.get(2).indexOf("Secondary")).isEqualTo(role);
    assertThat(lines.get(1).indexOf("12")).isEqualTo(lsn);
    assertThat(lines.get(2).substring(lsn)).isEqualTo("-");
  }

  @Test
  void cellsStayOnOneLineAndRowsMustMatchTheHeaders() {
    assertThat(new TextTable("A").row("x\ny\tz").render()).isEqualTo("A\nx\\ny\\tz\n");
    assertThatThrownBy(() -> new TextTable("A", "B").row("only one"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void structuredOutputIsJsonOrYaml() {
    StringWriter json = new StringWriter();
    Structured.print(new PrintWriter(json, true), Map.of("shard", "sh1"), false);
    assertThat(json.toString()).contains("\"shard\" : \"sh1\"");
    StringWriter yaml = new StringWriter();
    PrintWriter y = new PrintWriter(yaml, true);
    Structured.print(y, Map.of("shard", "sh1"), true);
    y.flush();
    assertThat(yaml.toString()).isEqualTo("shard: sh1\n");
  }
}
