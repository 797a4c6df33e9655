package io.shardeddb.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.api.v1alpha1.ColumnSpec;
import io.shardeddb.api.v1alpha1.SchemaSpec;
import io.shardeddb.protocol.schema.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardKeyArgumentTest {
  private static final SchemaSpec STUDENTS =
      new SchemaSpec(
          "students",
          "Stud_id",
          List.of(
              new ColumnSpec("Stud_id", ColumnType.Number),
              new ColumnSpec("Stud_name", ColumnType.String)));
  private static final SchemaSpec ACCOUNTS =
      new SchemaSpec(
          "accounts",
          "username",
          List.of(
              new ColumnSpec("visits", ColumnType.Number),
              new ColumnSpec("username", ColumnType.String)));

  @Test
  void aNumberKeyIsAWholeNumberAsTheCommandsAlwaysReadIt() {
    assertThat(ShardKeyArgument.parse(STUDENTS, "KEY", "7")).isEqualTo(7L);
    assertThat(ShardKeyArgument.parse(STUDENTS, "KEY", "-5")).isEqualTo(-5L);
    assertThat(ShardKeyArgument.parse(STUDENTS, "KEY", "+5")).isEqualTo(5L);
    assertThat(ShardKeyArgument.parse(STUDENTS, "KEY", "010")).isEqualTo(10L);
    assertThat(ShardKeyArgument.parse(STUDENTS, "KEY", "9223372036854775807"))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void textForANumberKeyIsRefusedNamingTheTableAndItsKeyColumn() {
    for (String text : List.of("ana", "1.5", "0x10", " 7", "", "9223372036854775808")) {
      assertThatThrownBy(() -> ShardKeyArgument.parse(STUDENTS, "KEY", text))
          .isInstanceOf(DataCommandException.class)
          .hasMessage(
              "KEY '"
                  + text
                  + "' is not a whole number: table students is keyed by Stud_id, a Number"
                  + " column");
    }
  }

  @Test
  void aStringKeyIsTheTextAsWrittenDigitsIncluded() {
    assertThat(ShardKeyArgument.stringKeyed(ACCOUNTS)).isTrue();
    assertThat(ShardKeyArgument.stringKeyed(STUDENTS)).isFalse();
    for (String text : List.of("ana", "42", "o'brien\\", " padded ", "usér-😀", "")) {
      assertThat(ShardKeyArgument.parse(ACCOUNTS, "KEY", text)).isEqualTo(text);
    }
  }
}
