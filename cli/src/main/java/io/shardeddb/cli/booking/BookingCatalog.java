package io.shardeddb.cli.booking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.protocol.InvalidRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The booking demo's data model on the database's one table (pure: no I/O). Course {@code c} owns
 * the keys {@code c*1000} to {@code c*1000+999}: its row at {@code c*1000} holds its title and
 * capacity, and seat {@code n} is booked when the row {@code c*1000+n} exists (its {@code Student}
 * names who). A seat is a key, so two people can never book one seat: the second {@code /write} of
 * that key is refused with 409 by the shard's primary (duplicate key), whatever router or page sent
 * it. A course's keys lie in one shard when the shards' ranges are multiples of 1000, as {@code
 * examples/booking/courses.yaml}'s are, so each booking is a write to one shard.
 */
public final class BookingCatalog {
  /** Keys per course: the course row and at most {@link #MAX_SEATS} seats. */
  public static final long KEYS_PER_COURSE = 1000;

  public static final int MAX_SEATS = 999;
  public static final String KEY = "Seat_id";

  /** One course as the catalogue file lists it. */
  public record Course(int id, String title, int seats) {}

  private BookingCatalog() {}

  /**
   * The courses of a catalogue ({@code [{"id":1,"title":"..","seats":30}, ..]}); an {@link
   * InvalidRequestException} names the first problem.
   */
  public static List<Course> parse(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new InvalidRequestException("the course catalogue is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isArray() || root.isEmpty()) {
      throw new InvalidRequestException("the course catalogue must be a non-empty JSON array");
    }
    List<Course> courses = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode c = root.get(i);
      if (!c.path("id").canConvertToInt()
          || !c.path("title").isTextual()
          || !c.path("seats").canConvertToInt()) {
        throw new InvalidRequestException(
            "course [" + i + "] must be {\"id\": number, \"title\": text, \"seats\": number}");
      }
      Course course =
          new Course(c.get("id").asInt(), c.get("title").asText(), c.get("seats").asInt());
      if (course.id() < 1 || course.id() > 1_000_000) {
        throw new InvalidRequestException("course [" + i + "]: id must be 1 to 1000000");
      }
      if (course.seats() < 1 || course.seats() > MAX_SEATS) {
        throw new InvalidRequestException("course [" + i + "]: seats must be 1 to " + MAX_SEATS);
      }
      if (course.title().isBlank() || course.title().length() > 200) {
        throw new InvalidRequestException("course [" + i + "]: title must be 1 to 200 characters");
      }
      if (!ids.add(course.id())) {
        throw new InvalidRequestException("course [" + i + "]: id " + course.id() + " twice");
      }
      courses.add(course);
    }
    return courses;
  }

  /** The row that holds {@code course}: key {@code id*1000}, its title and capacity. */
  public static Map<String, Object> row(Course course) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(KEY, course.id() * KEYS_PER_COURSE);
    row.put("Course", course.title());
    row.put("Student", "");
    row.put("Seats", course.seats());
    return row;
  }
}
