package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.lms.ingest.CourseCatalog.CourseDates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/** The fixtures under {@code src/test/resources/ingest/}, written from the public specs. */
final class Fixtures {

  static final String CALIPER_SECTION = "https://example.edu/terms/2026fall/courses/7/sections/1";
  static final String CALIPER_STUDENT = "https://example.edu/users/554433";
  static final String CANVAS_COURSE = "21070000000000565";
  static final String CANVAS_STUDENT = "21070000000020064";
  static final Instant TERM_START = Instant.parse("2026-09-07T00:00:00Z");
  static final Instant TERM_END = Instant.parse("2026-12-21T00:00:00Z");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** Both fixture courses run through the fall term. */
  static CourseCatalog catalog() {
    CourseDates term = new CourseDates(TERM_START, TERM_END);
    return new CourseCatalog(Map.of(CALIPER_SECTION, term, CANVAS_COURSE, term), null);
  }

  static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/ingest/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String path) {
    try {
      return JSON.readTree(bytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
