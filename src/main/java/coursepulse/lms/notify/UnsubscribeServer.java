package coursepulse.lms.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-click unsubscribe endpoint ({@code GET} or {@code POST /unsubscribe?u=&k=&t=}): checks
 * the signature, turns the kind of email off for that account and says so. Served by the
 * notifier itself, so the web pages need not know the signing secret.
 */
public final class UnsubscribeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeServer.class);

  private final HttpServer server;
  private final DataSource db;
  private final UnsubscribeToken tokens;

  private UnsubscribeServer(HttpServer server, DataSource db, UnsubscribeToken tokens) {
    this.server = server;
    this.db = db;
    this.tokens = tokens;
  }

  /** Starts listening on {@code bind:port} (0: any free port). */
  public static UnsubscribeServer start(DataSource db, String secret, String bind, int port)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 16);
    UnsubscribeServer s = new UnsubscribeServer(http, db, new UnsubscribeToken(secret));
    http.createContext("/unsubscribe", s::handle);
    http.start();
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("POST")) {
        respond(ex, 405, "Use the link from the email.");
        return;
      }
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String kind = q.get("k");
      long user;
      try {
        user = Long.parseLong(q.getOrDefault("u", ""));
      } catch (NumberFormatException e) {
        respond(ex, 400, "This unsubscribe link is incomplete: copy the whole link from the email.");
        return;
      }
      if (!("alert".equals(kind) || "digest".equals(kind)) || !tokens.verify(user, kind, q.get("t"))) {
        respond(ex, 403, "This unsubscribe link is not valid: copy the whole link from the email.");
        return;
      }
      String column = kind.equals("alert") ? "email_immediate" : "email_digest";
      try (Connection c = db.getConnection();
          PreparedStatement p =
              c.prepareStatement("UPDATE users SET " + column + " = false WHERE user_id = ?")) {
        p.setLong(1, user);
        p.executeUpdate();
      } catch (SQLException e) {
        LOG.warn("unsubscribe failed: {}", e.getMessage());
        respond(ex, 503, "Could not unsubscribe right now; please try the link again later.");
        return;
      }
      LOG.info("account {} unsubscribed from {} email", user, kind);
      respond(ex, 200, "You are unsubscribed: coursepulse will send you no more "
          + (kind.equals("alert") ? "immediate alert emails" : "daily digests") + ".");
    }
  }

  private static void respond(HttpExchange ex, int status, String text) throws IOException {
    byte[] body = ("<!doctype html><meta charset=utf-8><title>coursepulse</title><p>" + text)
        .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
