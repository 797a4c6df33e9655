package io.shardeddb.bench;

/** The assignment's student row, derived from its key so reads can be checked. */
final class Rows {
  static final String TABLE = "students";
  static final String KEY = "Stud_id";
  static final String NAME = "Stud_name";
  static final String MARKS = "Stud_marks";

  private Rows() {}

  static String name(long key) {
    return "student-" + key;
  }

  static long marks(long key) {
    return key % 101;
  }
}
