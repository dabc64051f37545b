package coursepulse.lms.oulad;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Message digests every Java platform has. */
final class Digests {
  private Digests() {}

  static MessageDigest md5() {
    return get("MD5");
  }

  static MessageDigest sha256() {
    return get("SHA-256");
  }

  private static MessageDigest get(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has " + algorithm, e);
    }
  }
}
