package coursepulse.lms.web;

/**
 * A signed-in account.
 *
 * @param role {@code instructor} or {@code admin}
 * @param timeZone an IANA zone id, for digests and dates
 */
public record User(long userId, String login, String displayName, String role, String timeZone) {

  /** Whether this account sees every course. */
  public boolean admin() {
    return "admin".equals(role);
  }
}
