package coursepulse.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for tests that need PostgreSQL: each {@link PostgresDatabase} parameter is a
 * fresh database, created for the scope that asked for it (a test method, or the class for
 * constructor and {@code @BeforeAll} parameters) and dropped when that scope ends.
 *
 * <p><b>Server.</b> {@code COURSEPULSE_JDBC_URL} names a database the role {@code
 * COURSEPULSE_JDBC_USER} (password {@code COURSEPULSE_JDBC_PASSWORD}; falling back to {@code
 * PGUSER}/{@code PGPASSWORD}) can log into; the role needs {@code CREATEDB}. {@code bash
 * .ci/postgres.sh} sets all of that up. When the variable is unset or the server does not answer,
 * the class is skipped with one loud line on stderr, unless {@code CI=true}: then it fails.
 *
 * <p><b>Restarts.</b> {@link PostgresServer} (also a parameter) stops and starts the server when
 * {@code COURSEPULSE_PGDATA} and {@code COURSEPULSE_PG_BINDIR} say where it lives (as {@code
 * .ci/postgres.sh} prints them).
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {

  /** Environment variable holding the JDBC URL of the server's maintenance database. */
  public static final String URL_ENV = "COURSEPULSE_JDBC_URL";

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PostgresExtension.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  @Override
  public void beforeAll(ExtensionContext context) {
    Server server = Server.fromEnvironment();
    String problem = server.problem();
    if (problem != null) {
      String line =
          "PostgreSQL is not usable (" + problem + "): database tests of "
              + context.getRequiredTestClass().getSimpleName() + " cannot run. Start one with"
              + " 'eval \"$(bash .ci/postgres.sh)\"' (Debian) and run the tests in that shell.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new ExtensionConfigurationException("CI=true and " + line);
      }
      if (WARNED.compareAndSet(false, true)) {
        System.err.println("!!!!!!!! SKIPPING POSTGRESQL TESTS: " + line + " !!!!!!!!");
      }
      Assumptions.abort(line);
    }
    context.getStore(NS).put(Server.class, server);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == PostgresDatabase.class || type == PostgresServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Server server = context.getStore(NS).get(Server.class, Server.class);
    if (server == null) {
      throw new ExtensionConfigurationException(
          "PostgresExtension has no server for this test: register it on the class");
    }
    if (parameter.getParameter().getType() == PostgresServer.class) {
      return server.control();
    }
    String name =
        ("cp_" + context.getRequiredTestClass().getSimpleName() + "_"
                + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(Locale.ROOT);
    server.execute("CREATE DATABASE " + name);
    Dropper dropper = new Dropper(server, name);
    // JUnit closes these store values when the scope that resolved the parameter ends.
    context.getStore(NS).put(UUID.randomUUID(), dropper);
    return new PostgresDatabase(name, server.urlFor(name), server.user, server.password);
  }

  private record Dropper(Server server, String name)
      implements ExtensionContext.Store.CloseableResource {
    /**
     * Drops the test's database, ending its sessions. A session that is not ours cannot be ended
     * by the test role: an autovacuum worker that happens to visit the new database (it belongs
     * to the bootstrap superuser) fails the drop with insufficient_privilege; such a worker is
     * done within moments, so the drop is tried again for a while (seen once in CI, NotifierIT).
     */
    @Override
    public void close() {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
      while (true) {
        try {
          server.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
          return;
        } catch (IllegalStateException e) {
          boolean notOurs =
              e.getCause() instanceof SQLException sql && "42501".equals(sql.getSQLState());
          if (!notOurs || System.nanoTime() > deadline) {
            throw e;
          }
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while dropping " + name, e);
        }
      }
    }
  }

  /** The server under test, parsed from the environment. */
  private static final class Server {
    final String url;
    final String user;
    final String password;

    Server(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    static Server fromEnvironment() {
      return new Server(
          env(URL_ENV),
          firstNonNull(env("COURSEPULSE_JDBC_USER"), env("PGUSER")),
          firstNonNull(env("COURSEPULSE_JDBC_PASSWORD"), env("PGPASSWORD")));
    }

    /** Null when usable, else why not. */
    String problem() {
      if (url == null) {
        return URL_ENV + " is not set";
      }
      try (Connection c = connect(url)) {
        return c.isValid(5) ? null : "no answer from " + url;
      } catch (SQLException e) {
        return e.getMessage() + " at " + url;
      }
    }

    Connection connect(String jdbcUrl) throws SQLException {
      Properties p = new Properties();
      if (user != null) {
        p.setProperty("user", user);
      }
      if (password != null) {
        p.setProperty("password", password);
      }
      p.setProperty("connectTimeout", "5");
      return DriverManager.getConnection(jdbcUrl, p);
    }

    /** The URL of another database on the same server. */
    String urlFor(String database) {
      int q = url.indexOf('?');
      String base = q < 0 ? url : url.substring(0, q);
      String query = q < 0 ? "" : url.substring(q);
      return base.substring(0, base.lastIndexOf('/') + 1) + database + query;
    }

    void execute(String sql) {
      try (Connection c = connect(url);
          Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
      }
    }

    PostgresServer control() {
      String data = env("COURSEPULSE_PGDATA");
      String bin = env("COURSEPULSE_PG_BINDIR");
      return new PostgresServer(data == null ? null : Path.of(data), bin == null ? null : Path.of(bin));
    }
  }

  /** Stops and starts the server under test. */
  public static final class PostgresServer {
    private final Path data;
    private final Path bin;

    PostgresServer(Path data, Path bin) {
      this.data = data;
      this.bin = bin;
    }

    /** Whether this test run knows where the server lives, so it can restart it. */
    public boolean controllable() {
      return data != null && bin != null && Files.isDirectory(data);
    }

    /** Fast shutdown (clients are disconnected, nothing lost); waits until it is down. */
    public void stop() {
      pgCtl("stop", "-m", "fast", "-w");
    }

    /** Starts it again with the options it ran with; waits until it accepts connections. */
    public void start() {
      // Port and socket come from the cluster's configuration (.ci/postgres.sh writes them there).
      pgCtl("start", "-w", "-t", "60", "-l", data.resolve("server.log").toString());
    }

    private void pgCtl(String... args) {
      if (!controllable()) {
        throw new IllegalStateException(
            "COURSEPULSE_PGDATA and COURSEPULSE_PG_BINDIR must name the test cluster");
      }
      List<String> command = new ArrayList<>();
      try {
        String owner = Files.getOwner(data).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
          command.addAll(List.of("runuser", "-u", owner, "--"));
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the owner of " + data, e);
      }
      command.add(bin.resolve("pg_ctl").toString());
      command.add("-D");
      command.add(data.toString());
      command.addAll(List.of(args));
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed: " + out);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run pg_ctl", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
