package coursepulse.lms.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Which emails an account receives: the two switches the unsubscribe links turn off. */
public final class EmailPreferences {
  private EmailPreferences() {}

  /**
   * Sets the switches of {@code login}; a null argument leaves that switch as it is.
   *
   * @throws IllegalArgumentException when no account has that login
   */
  public static void set(DataSource db, String login, Boolean immediate, Boolean digest)
      throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(
            "UPDATE users SET email_immediate = coalesce(?, email_immediate),"
                + " email_digest = coalesce(?, email_digest) WHERE login = ?")) {
      p.setObject(1, immediate);
      p.setObject(2, digest);
      p.setString(3, login);
      if (p.executeUpdate() == 0) {
        throw new IllegalArgumentException(
            "no account '" + login + "': create it with 'coursepulse users add'");
      }
    }
  }
}
