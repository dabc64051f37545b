package coursepulse.lms.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Accounts and who teaches what. Passwords are hashed with bcrypt (cost {@value #COST}, a random
 * salt per hash); a hash is checked in constant time by the library.
 */
public final class Accounts {

  /** bcrypt's work factor: about 100 ms per check on one core here, slow for guessing. */
  static final int COST = 11;

  /** A hash to check against when the login does not exist, so timing does not tell. */
  private static final byte[] DUMMY =
      BCrypt.withDefaults().hash(COST, "not a password".toCharArray());

  private final DataSource db;

  public Accounts(DataSource db) {
    this.db = db;
  }

  /**
   * Creates the account or, when {@code login} exists, sets its password, role, time zone and
   * adds {@code courses}: an account made from a teacher enrolment gets its password this way.
   *
   * @return the account's id
   */
  public long addOrUpdate(String login, String displayName, String email, char[] password,
      String role, String timeZone, Collection<String> courses) throws SQLException {
    if (!role.equals("instructor") && !role.equals("admin")) {
      throw new IllegalArgumentException("role must be instructor or admin, not '" + role + "'");
    }
    ZoneId.of(timeZone); // throws with a clear message for an unknown zone
    if (password.length < 10) {
      throw new IllegalArgumentException("the password needs at least 10 characters");
    }
    String hash = new String(BCrypt.withDefaults().hashToChar(COST, password));
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      long id;
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO users (login, display_name, email, password_hash, role, time_zone)"
              + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO UPDATE SET"
              + " display_name = COALESCE(EXCLUDED.display_name, users.display_name),"
              + " email = COALESCE(EXCLUDED.email, users.email),"
              + " password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,"
              + " time_zone = EXCLUDED.time_zone RETURNING user_id")) {
        p.setString(1, login);
        p.setString(2, displayName);
        p.setString(3, email);
        p.setString(4, hash);
        p.setString(5, role);
        p.setString(6, timeZone);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO course_instructors (user_id, course_id) VALUES (?, ?)"
              + " ON CONFLICT DO NOTHING")) {
        for (String course : courses) {
          p.setLong(1, id);
          p.setString(2, course);
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
      return id;
    }
  }

  /** The account when {@code password} is its password; empty otherwise (or without one). */
  public Optional<User> authenticate(String login, char[] password) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(
            "SELECT user_id, login, display_name, role, time_zone, password_hash FROM users"
                + " WHERE login = ?")) {
      p.setString(1, login);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next() || rs.getString(6) == null) {
          BCrypt.verifyer().verify(password, DUMMY);
          return Optional.empty();
        }
        byte[] hash = rs.getString(6).getBytes(StandardCharsets.UTF_8);
        if (!BCrypt.verifyer().verify(password, hash).verified) {
          return Optional.empty();
        }
        return Optional.of(new User(rs.getLong(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5)));
      }
    }
  }

  /** The courses {@code user} may see: those it teaches, every course for an admin. */
  public List<String> courses(User user) throws SQLException {
    String sql = user.admin()
        ? "SELECT DISTINCT course_id FROM roster UNION SELECT course_id FROM course_instructors"
            + " ORDER BY 1"
        : "SELECT course_id FROM course_instructors WHERE user_id = ? ORDER BY 1";
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      if (!user.admin()) {
        p.setLong(1, user.userId());
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /** Whether {@code user} may see {@code courseId}'s students. */
  public boolean maySee(User user, String courseId) throws SQLException {
    if (user.admin()) {
      return true;
    }
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(
            "SELECT 1 FROM course_instructors WHERE user_id = ? AND course_id = ?")) {
      p.setLong(1, user.userId());
      p.setString(2, courseId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }
}
