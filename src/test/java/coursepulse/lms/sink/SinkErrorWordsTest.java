package coursepulse.lms.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What a failed batch says at ERROR: the reason, never the statement with its bound values. */
class SinkErrorWordsTest {

  @Test
  void shouldGiveTheReasonOfAFailedBatchWithoutItsValues() {
    // As PgJDBC words it: the batch quotes the statement with its values; the reason follows.
    BatchUpdateException batch = new BatchUpdateException(
        "Batch entry 3 INSERT INTO roster VALUES (('s-1'), ('c-2'), ('student'), ('Arturo"
            + " Rippin'), ('arturo@students.example.edu')) was aborted: ERROR: invalid byte"
            + " sequence for encoding \"UTF8\": 0x00  Call getNextException to see other errors.",
        "22021", new int[0]);
    batch.setNextException(new SQLException(
        "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00\n  Where: unnamed portal"
            + " parameter $4 = 'Arturo Rippin'", "22021"));

    assertThat(AlertSink.describe(batch))
        .isEqualTo("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00 [SQLState 22021]")
        .doesNotContain("Arturo", "example.edu");
  }

  @Test
  void shouldNotQuoteABatchThatGivesNoOtherReason() {
    BatchUpdateException batch = new BatchUpdateException(
        "Batch entry 0 INSERT INTO roster VALUES (('Ada'))", "23505", new int[0]);
    assertThat(AlertSink.describe(batch)).isEqualTo("a batch failed [SQLState 23505]");
  }
}
