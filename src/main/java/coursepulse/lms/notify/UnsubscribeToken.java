package coursepulse.lms.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks one-click unsubscribe links: HMAC-SHA256 over user id and kind, so the link
 * needs no login and cannot be forged for another account.
 */
final class UnsubscribeToken {
  private final byte[] secret;

  UnsubscribeToken(String secret) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException(
          "--unsubscribe-secret-file (or COURSEPULSE_UNSUBSCRIBE_SECRET) must hold at least 16"
              + " characters: it signs the unsubscribe links (e.g. 'openssl rand -hex 32')");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  String sign(long userId, String kind) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] tag = mac.doFinal((userId + ":" + kind).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
    }
  }

  boolean verify(long userId, String kind, String token) {
    return token != null
        && MessageDigest.isEqual(
            sign(userId, kind).getBytes(StandardCharsets.UTF_8),
            token.getBytes(StandardCharsets.UTF_8));
  }
}
