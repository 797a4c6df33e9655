package io.shardeddb.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** What each column type accepts, and the 400 message for what it cannot store faithfully. */
class ColumnTypeTest {

  @Test
  void aDecimalKeepsEvery38DigitsAndItsScale() {
    String v = "1234567890123456789012345678.1234567890";
    assertThat(ColumnType.Decimal.coerce("gpa", new BigDecimal(v)).toString()).isEqualTo(v);
    assertThat(ColumnType.Decimal.coerce("gpa", v).toString()).isEqualTo(v);
    assertThat(ColumnType.Decimal.coerce("gpa", "-" + v).toString()).isEqualTo("-" + v);
    assertThat(ColumnType.Decimal.coerce("gpa", "1.50000000000")).isEqualTo(new BigDecimal("1.5"));
    assertThat(ColumnType.Decimal.coerce("gpa", "1e27"))
        .isEqualTo(new BigDecimal("1e27").setScale(0));
    assertThat(ColumnType.Decimal.coerce("gpa", "0e-99999")).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void aDecimalThatDecimal38Comma10CannotHoldIsRefusedNamingTheColumn() {
    assertThatThrownBy(() -> ColumnType.Decimal.coerce("gpa", "1" + "0".repeat(28)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "field 'gpa' is out of range for a Decimal (at most 28 digits before the decimal"
                + " point)");
    assertThatThrownBy(() -> ColumnType.Decimal.coerce("gpa", "0.12345678901"))
        .hasMessage(
            "field 'gpa' has more than 10 digits after the decimal point (a Decimal keeps 10)");
    assertThatThrownBy(() -> ColumnType.Decimal.coerce("gpa", "1e-999999999"))
        .hasMessageContaining("field 'gpa' has more than 10 digits");
    assertThatThrownBy(() -> ColumnType.Decimal.coerce("gpa", "9e999999999"))
        .hasMessageContaining("field 'gpa' is out of range");
    assertThatThrownBy(() -> ColumnType.Decimal.coerce("gpa", "1e2147483647"))
        .hasMessageContaining("field 'gpa' is out of range");
    assertThatThrownBy(() -> ColumnType.Decimal.coerce("gpa", "1".repeat(101)))
        .hasMessageStartingWith("field 'gpa' must be a Decimal");
  }

  @Test
  void aStringWithALoneSurrogateIsRefusedAndAPairIsKept() {
    assertThat(ColumnType.String.coerce("name", "a\uD83D\uDE00b")).isEqualTo("a\uD83D\uDE00b");
    assertThatThrownBy(() -> ColumnType.String.coerce("name", "x\uD800y"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("field 'name' is not valid Unicode (a lone UTF-16 surrogate at index 1)");
    assertThatThrownBy(() -> ColumnType.String.coerce("name", "\uDC00"))
        .hasMessageContaining("at index 0");
    assertThatThrownBy(() -> ColumnType.String.coerce("name", "ab\uD800"))
        .hasMessageContaining("at index 2");
  }

  @Test
  void stringsAreStoredAsTextSoManyStringColumnsFitARow() {
    assertThat(ColumnType.String.sqlType()).isEqualTo("TEXT");
  }
}
