package coursepulse.lms.oulad;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real OULAD tables are for tests: {@code ../shared/oulad} beside the repository (as CI
 * lays it out), else {@code /work/shared/oulad}. Tests that need it are skipped with a message when
 * it is absent, except under {@code CI=true}, where it must be present.
 */
public final class RealOulad {
  private RealOulad() {}

  /** The directory, or the test is skipped (fails under CI). */
  public static Path dir() {
    for (Path candidate : new Path[] {Path.of("..", "shared", "oulad"), Path.of("/work/shared/oulad")}) {
      if (Files.isRegularFile(candidate.resolve("courses.csv"))) {
        return candidate;
      }
    }
    String message =
        "OULAD not found at ../shared/oulad or /work/shared/oulad: skipping the real-data test"
            + " (download it from " + OuladDirectory.DOWNLOAD + " and unzip it there to run it)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message.replace("skipping", "CI needs it for"));
    }
    Assumptions.assumeTrue(false, message);
    return null;
  }
}
