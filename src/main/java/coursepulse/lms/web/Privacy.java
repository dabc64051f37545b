package coursepulse.lms.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Removes one student's personal data from the database: names and emails in the roster, and the
 * free-text notes and reasons instructors wrote about them in the triage log (the log's entries
 * stay, as an audit of what was done, without the text). Ids, alerts and activity counts stay:
 * they are pseudonymous, keyed by the LMS's id, which the school maps to a person.
 */
public final class Privacy {
  private final DataSource db;

  public Privacy(DataSource db) {
    this.db = db;
  }

  /** What an erasure changed. */
  public record Erased(int rosterRows, int triageEntries) {}

  /** Erases {@code studentId}'s personal data in one transaction. */
  public Erased erase(String studentId) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        int roster;
        int triage;
        try (PreparedStatement p = c.prepareStatement(
            "UPDATE roster SET name = NULL, email = NULL WHERE student_id = ?")) {
          p.setString(1, studentId);
          roster = p.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
          // The append-only trigger lets this one transaction blank text, nothing else.
          s.execute("SET LOCAL coursepulse.erase = 'on'");
        }
        try (PreparedStatement p = c.prepareStatement(
            "UPDATE triage_log SET note = NULL, reason = CASE WHEN reason IS NULL THEN NULL"
                + " ELSE '(erased)' END WHERE student_id = ? AND (note IS NOT NULL"
                + " OR reason IS NOT NULL)")) {
          p.setString(1, studentId);
          triage = p.executeUpdate();
        }
        c.commit();
        return new Erased(roster, triage);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }
}
