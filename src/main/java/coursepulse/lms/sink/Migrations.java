package coursepulse.lms.sink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: numbered SQL files applied once each, in order, recorded with their
 * checksum in {@code schema_migrations}. All pending files run in one transaction under an
 * advisory lock, so two sinks starting together never apply a file twice and a failed migration
 * leaves the schema as it was.
 */
final class Migrations {

  /** One SQL file: {@code V<version>__<description>.sql} under {@link #RESOURCE_DIR}. */
  record Script(int version, String description) {
    String resource() {
      return RESOURCE_DIR + "V" + version + "__" + description + ".sql";
    }
  }

  static final String RESOURCE_DIR = "/coursepulse/sink/migrations/";

  /** In order; append only (a released file is never edited: its checksum is checked). */
  static final List<Script> SCRIPTS =
      List.of(
          new Script(1, "alerts"),
          new Script(2, "instructors"),
          new Script(3, "triage_status"),
          new Script(4, "email"),
          new Script(5, "grafana_reader"));

  /** Arbitrary but fixed: the key of the advisory lock that serializes migrations. */
  private static final long LOCK_KEY = 0x636f757273657075L; // "coursepu"

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * Brings the schema to the latest version.
   *
   * @return the number of scripts applied now
   * @throws SQLException on database errors, or (as {@link SchemaException}) when the database
   *     holds an edited or unknown migration
   */
  static int migrate(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
        s.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                + " version integer PRIMARY KEY,"
                + " description text NOT NULL,"
                + " checksum text NOT NULL,"
                + " applied_at timestamptz NOT NULL DEFAULT now())");
      }
      Map<Integer, String> applied = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT version, checksum FROM schema_migrations")) {
        while (rs.next()) {
          applied.put(rs.getInt(1), rs.getString(2));
        }
      }
      int latest = SCRIPTS.get(SCRIPTS.size() - 1).version();
      for (int v : applied.keySet()) {
        if (v > latest) {
          throw new SchemaException(
              "the database schema is at version " + v + ", newer than this sink knows ("
                  + latest + "): run a newer coursepulse");
        }
      }
      int count = 0;
      for (Script script : SCRIPTS) {
        String sql = load(script);
        String checksum = sha256(sql);
        String done = applied.get(script.version());
        if (done != null) {
          if (!done.equals(checksum)) {
            throw new SchemaException(
                "migration " + script.resource() + " was changed after it was applied"
                    + " (checksum differs): add a new migration instead");
          }
          continue;
        }
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        }
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO schema_migrations (version, description, checksum) VALUES (?, ?, ?)")) {
          p.setInt(1, script.version());
          p.setString(2, script.description());
          p.setString(3, checksum);
          p.executeUpdate();
        }
        LOG.info("schema migrated to version {} ({})", script.version(), script.description());
        count++;
      }
      c.commit();
      return count;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static String load(Script script) {
    try (InputStream in = Migrations.class.getResourceAsStream(script.resource())) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + script.resource());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + script.resource(), e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is likely gone: the server rolls back on disconnect
    }
  }

  /** The database's schema cannot be used by this sink; retrying does not help. */
  static final class SchemaException extends SQLException {
    SchemaException(String message) {
      super(message, "CPSCH");
    }
  }
}
