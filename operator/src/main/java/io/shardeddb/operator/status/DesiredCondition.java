package io.shardeddb.operator.status;

/** A condition as the operator judges it now: true or false, a CamelCase reason, a message. */
public record DesiredCondition(ConditionType type, boolean status, String reason, String message) {

  /** A true condition. */
  public static DesiredCondition isTrue(ConditionType type, String reason, String message) {
    return new DesiredCondition(type, true, reason, message);
  }

  /** A true condition with one of the operator's reasons. */
  public static DesiredCondition isTrue(
      ConditionType type, ConditionReason reason, String message) {
    return isTrue(type, reason.name(), message);
  }

  /** A false condition with one of the operator's reasons. */
  public static DesiredCondition isFalse(
      ConditionType type, ConditionReason reason, String message) {
    return isFalse(type, reason.name(), message);
  }

  /** A false condition. */
  public static DesiredCondition isFalse(ConditionType type, String reason, String message) {
    return new DesiredCondition(type, false, reason, message);
  }
}
