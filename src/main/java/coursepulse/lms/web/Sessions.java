package coursepulse.lms.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in sessions, in memory: a restart signs everyone out, which is acceptable for a page
 * instructors open a few times a week and saves a table of live tokens. Each session carries its
 * own CSRF token (synchronizer-token pattern).
 */
final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A session; {@code csrf} goes into every form and must come back with it. */
  record Session(User user, String csrf, long expiresAtNanos) {}

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration idle;

  Sessions(Duration idle) {
    this.idle = idle;
  }

  static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A new session for {@code user}; returns its cookie value. */
  String open(User user) {
    String id = token();
    sessions.put(id, new Session(user, token(), System.nanoTime() + idle.toNanos()));
    return id;
  }

  /** The live session under {@code id}, its expiry pushed back; null when none. */
  Session get(String id) {
    if (id == null) {
      return null;
    }
    Session s = sessions.get(id);
    if (s == null) {
      return null;
    }
    long now = System.nanoTime();
    if (now - s.expiresAtNanos() > 0) {
      sessions.remove(id);
      return null;
    }
    Session renewed = new Session(s.user(), s.csrf(), now + idle.toNanos());
    sessions.put(id, renewed);
    return renewed;
  }

  void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** Constant-time comparison of tokens. */
  static boolean same(String a, String b) {
    return a != null && b != null
        && MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
