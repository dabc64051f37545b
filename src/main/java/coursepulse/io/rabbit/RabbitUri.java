package coursepulse.io.rabbit;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code rabbitmq-stream[+tls]://user:password@host:port/vhost} URI. Error messages and
 * {@link #redacted()} never contain the password. {@link #parseAll} reads the comma-separated list
 * of URIs that names the nodes of one cluster.
 */
record RabbitUri(
    boolean tls, String username, String password, String host, int port, String virtualHost) {

  static final String SCHEME = "rabbitmq-stream";
  static final String TLS_SCHEME = "rabbitmq-stream+tls";

  @Override
  public String toString() {
    return redacted();
  }

  /**
   * One or more URIs separated by commas (a comma followed by the next URI's scheme, so a comma in
   * a password stays part of it), all with the same scheme, user, password and virtual host: the
   * nodes of one cluster. Only host and port may differ.
   */
  static List<RabbitUri> parseAll(String text) {
    String[] parts = text.trim().split("\\s*,\\s*(?=(?i)" + SCHEME + "(\\+tls)?://)");
    List<RabbitUri> uris = new ArrayList<>();
    for (String part : parts) {
      RabbitUri uri = parse(part);
      if (!uris.isEmpty()) {
        RabbitUri first = uris.get(0);
        if (uri.tls != first.tls
            || !uri.username.equals(first.username)
            || !uri.password.equals(first.password)
            || !uri.virtualHost.equals(first.virtualHost)) {
          throw new IllegalArgumentException(
              "the RabbitMQ URIs " + first.redacted() + " and " + uri.redacted() + " name nodes of"
                  + " one cluster, so they must differ only in host and port (same scheme, user,"
                  + " password and virtual host)");
        }
      }
      uris.add(uri);
    }
    return List.copyOf(uris);
  }

  static RabbitUri parse(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "cannot read RabbitMQ URI '" + mask(text) + "': expected " + SCHEME
              + "://user:password@host:5552/vhost (vhost URL-encoded, %2f for /)"
              + encodingHint(text));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean tls;
    if (SCHEME.equals(scheme)) {
      tls = false;
    } else if (TLS_SCHEME.equals(scheme)) {
      tls = true;
    } else {
      throw new IllegalArgumentException(
          "RabbitMQ URI '" + mask(text) + "' must start with " + SCHEME + ":// or " + TLS_SCHEME
              + "://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          "RabbitMQ URI '" + mask(text) + "' has no host" + encodingHint(text));
    }
    String username = "guest";
    String password = "guest";
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 5551 : 5552);
    String path = uri.getRawPath();
    String vhost;
    if (path == null || path.isEmpty() || "/".equals(path)) {
      vhost = "/";
    } else {
      vhost = decode(path.substring(1));
    }
    return new RabbitUri(tls, username, password, uri.getHost(), port, vhost);
  }

  /** {@code host:port}, as users type it. */
  String endpoint() {
    return host + ":" + port;
  }

  /** This URI's text, password included: only for the stream client's own URI list. */
  String full() {
    return (tls ? TLS_SCHEME : SCHEME) + "://" + encode(username) + ":" + encode(password) + "@"
        + endpoint() + "/" + encode(virtualHost);
  }

  /** The URI with the password removed. */
  String redacted() {
    return (tls ? TLS_SCHEME : SCHEME) + "://" + encode(username) + "@" + endpoint() + "/"
        + encode(virtualHost);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The text with whatever follows the user name up to the last {@code @} replaced by {@code ***}:
   * a URI that cannot be read may hold a password with any character ({@code /}, {@code @}, a
   * space), and no reading of it may be trusted to find where the password ends.
   */
  static String mask(String text) {
    if (text == null) {
      return null;
    }
    int slashes = text.indexOf("//");
    int start = slashes < 0 ? 0 : slashes + 2;
    int at = text.lastIndexOf('@');
    if (at < start) {
      return text;
    }
    int colon = text.indexOf(':', start);
    return colon < 0 || colon > at ? text : text.substring(0, colon) + ":***" + text.substring(at);
  }

  /** What to add to an error about a URI that holds credentials the parser may have misread. */
  private static String encodingHint(String text) {
    return text.indexOf('@') < 0
        ? ""
        : "; percent-encode special characters in the user name and password (/ as %2F, @ as %40,"
            + " # as %23, a space as %20)";
  }
}
