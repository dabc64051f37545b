package coursepulse.io.rabbit;

import com.rabbitmq.stream.AuthenticationFailureException;
import com.rabbitmq.stream.Constants;
import com.rabbitmq.stream.StreamDoesNotExistException;
import com.rabbitmq.stream.StreamException;
import com.rabbitmq.stream.StreamNotAvailableException;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogUnavailableException;
import coursepulse.engine.log.StreamNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * Turns stream-client exceptions into the port's exceptions with one user-facing line each. The
 * lines name the user, host, port and virtual host but never the password (the client's own
 * messages do not contain it either, and we do not pass the URI to the client).
 */
final class RabbitErrors {

  /**
   * The stream client's exceptions for a connection that closed, timed out or has no locator yet.
   * They are package-private in the client, whose coordinators retry on the same ones
   * ({@code CoordinatorUtils.shouldRefreshCandidates}); {@code RabbitErrorsTest} checks that the
   * client still has them.
   */
  static final Set<String> CLIENT_CONNECTION_FAILURES =
      Set.of(
          "com.rabbitmq.stream.impl.ConnectionStreamException",
          "com.rabbitmq.stream.impl.TimeoutStreamException",
          "com.rabbitmq.stream.impl.CoordinatorUtils$ClientClosedException",
          "com.rabbitmq.stream.impl.StreamEnvironment$LocatorNotAvailableException");

  /**
   * What the client's consumer coordinator throws, as a bare {@link IllegalStateException}, when a
   * stream has no leader or member to read from yet: seen in ClusterGroupJoinIT while the restarted
   * node's streams were still electing ("Could not get stream metadata, response code: 6
   * (STREAM_NOT_AVAILABLE)").
   */
  private static final List<String> CLIENT_NO_MEMBER_YET =
      List.of("(STREAM_NOT_AVAILABLE)", "No node available to consume from stream");

  private RabbitErrors() {}

  /**
   * Whether {@code e} is a failure a broker gets over by itself within seconds: a connection that
   * closed or timed out (a node that died or restarts), a port nobody listens on yet, a stream
   * whose leader is being elected or that has no member to read from yet. Refused credentials, a
   * missing stream or virtual host, a refused permission or a TLS mismatch are not: trying again
   * changes nothing.
   */
  static boolean mayPass(Throwable e) {
    return anyCause(
        e,
        t -> t instanceof StreamNotAvailableException
            || t instanceof ClosedChannelException
            || t instanceof ConnectException
            || t instanceof NoRouteToHostException
            || CLIENT_CONNECTION_FAILURES.contains(t.getClass().getName())
            || t instanceof IllegalStateException
                && CLIENT_NO_MEMBER_YET.stream().anyMatch(String.valueOf(t.getMessage())::contains)
            || t instanceof StreamException se
                && se.getCode() == Constants.RESPONSE_CODE_STREAM_NOT_AVAILABLE);
  }

  /** Translates a failure while opening a connection to the broker. */
  static LogException connecting(RuntimeException e, RabbitUri uri) {
    if (e instanceof LogException le) {
      return le;
    }
    if (e instanceof AuthenticationFailureException) {
      return new LogUnavailableException(
          "RabbitMQ at " + uri.endpoint() + " refused the credentials of user '" + uri.username()
              + "' (authentication failure): check the user name and password in the URI", e);
    }
    // stream-client 1.11 reports this one in the message only, without the response code.
    if (code(e) == Constants.RESPONSE_CODE_VIRTUAL_HOST_ACCESS_FAILURE
        || String.valueOf(e.getMessage()).contains("VIRTUAL_HOST_ACCESS_FAILURE")) {
      String vh = uri.virtualHost();
      return new LogUnavailableException(
          "virtual host '" + vh + "' does not exist on " + uri.endpoint() + " or user '"
              + uri.username() + "' may not use it: create it with 'rabbitmqctl add_vhost " + vh
              + "' and 'rabbitmqctl set_permissions -p " + vh + " " + uri.username()
              + " \".*\" \".*\" \".*\"'", e);
    }
    if (hasCause(e, UnknownHostException.class) || hasCause(e, UnresolvedAddressException.class)) {
      return new LogUnavailableException(
          "cannot resolve RabbitMQ host '" + uri.host() + "': check the host in the URI", e);
    }
    if (hasCause(e, ConnectException.class) || hasCause(e, NoRouteToHostException.class)) {
      return unreachable(uri, e);
    }
    if (hasCause(e, SSLException.class)) {
      return new LogUnavailableException(
          "TLS handshake with RabbitMQ at " + uri.endpoint() + " failed ("
              + rootMessage(e) + "): check the trust store, or use rabbitmq-stream:// if the port"
              + " is not a TLS port", e);
    }
    // The peer accepted TCP but closed during the handshake: typically the AMQP port, a TLS port
    // reached without TLS, or a TLS-less port reached with TLS.
    return new LogUnavailableException(
        "RabbitMQ at " + uri.endpoint() + " did not complete the stream protocol handshake ("
            + rootMessage(e) + "): is " + uri.port() + " the stream port (5552, or 5551 with TLS)"
            + " and does the URI scheme match its TLS setting?", e);
  }

  /** The broker is not listening on the stream port. */
  static LogUnavailableException unreachable(RabbitUri uri, Throwable cause) {
    return new LogUnavailableException(
        "cannot reach RabbitMQ stream port " + uri.endpoint()
            + " — is the rabbitmq_stream plugin enabled? (rabbitmq-plugins enable rabbitmq_stream)",
        cause);
  }

  /** Translates a failure of an operation on {@code stream}. */
  static LogException onStream(RuntimeException e, String stream, String action) {
    if (e instanceof LogException le) {
      return le;
    }
    if (e instanceof StreamDoesNotExistException
        || code(e) == Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
      return new StreamNotFoundException(stream);
    }
    if (code(e) == Constants.RESPONSE_CODE_ACCESS_REFUSED) {
      return new LogException(
          "RabbitMQ refused to " + action + " stream '" + stream
              + "': the user lacks the permission (rabbitmqctl set_permissions)", e);
    }
    if (mayPass(e)) {
      return new LogUnavailableException(
          "cannot " + action + " stream '" + stream + "' (" + rootMessage(e) + "): a RabbitMQ"
              + " node is down or restarting, or the stream is electing a new leader; try again"
              + " once every node is up ('rabbitmq-diagnostics cluster_status')", e);
    }
    return new LogException(
        "cannot " + action + " stream '" + stream + "': " + rootMessage(e), e);
  }

  /** Maps a broker response code to the port's exception. */
  static LogException responseCode(short code, String stream, String action) {
    if (code == Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
      return new StreamNotFoundException(stream);
    }
    return new LogException(
        "cannot " + action + " stream '" + stream + "': RabbitMQ answered " + codeName(code));
  }

  static String codeName(short code) {
    switch (code) {
      case Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST:
        return "stream does not exist";
      case Constants.RESPONSE_CODE_ACCESS_REFUSED:
        return "access refused";
      case Constants.RESPONSE_CODE_PRECONDITION_FAILED:
        return "precondition failed";
      case Constants.RESPONSE_CODE_STREAM_NOT_AVAILABLE:
        return "stream not available";
      case Constants.CODE_MESSAGE_ENQUEUEING_FAILED:
        return "message could not be enqueued in time (too many unconfirmed messages)";
      case Constants.CODE_PRODUCER_NOT_AVAILABLE:
        return "producer not available (connection lost or recovering)";
      case Constants.CODE_PRODUCER_CLOSED:
        return "producer closed";
      case Constants.CODE_PUBLISH_CONFIRM_TIMEOUT:
        return "no confirm within the confirm timeout";
      default:
        return "code " + code;
    }
  }

  static short code(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamException se && se.getCode() != -1) {
        return se.getCode();
      }
    }
    return -1;
  }

  static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    return anyCause(e, type::isInstance);
  }

  /** Whether {@code e} or one of its causes matches. */
  private static boolean anyCause(Throwable e, Predicate<Throwable> matches) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (matches.test(t)) {
        return true;
      }
    }
    return false;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
