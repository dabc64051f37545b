package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.stream.AuthenticationFailureException;
import com.rabbitmq.stream.Constants;
import com.rabbitmq.stream.StreamDoesNotExistException;
import com.rabbitmq.stream.StreamException;
import com.rabbitmq.stream.StreamNotAvailableException;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogUnavailableException;
import coursepulse.engine.log.StreamNotFoundException;
import java.lang.reflect.Constructor;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which client failures pass by themselves, and what the user is told about them. */
class RabbitErrorsTest {

  private static final RabbitUri URI = RabbitUri.parse("rabbitmq-stream://localhost:5552/%2f");

  /** The client's own "connection is closed", as its outstanding requests fail with it. */
  private static RuntimeException connectionClosed() throws Exception {
    Constructor<?> c =
        Class.forName("com.rabbitmq.stream.impl.ConnectionStreamException")
            .getDeclaredConstructor(String.class);
    c.setAccessible(true);
    return (RuntimeException) c.newInstance("Connection is closed");
  }

  @Test
  void shouldFindTheClientsConnectionFailuresInTheClient() throws Exception {
    for (String name : RabbitErrors.CLIENT_CONNECTION_FAILURES) {
      assertThat(StreamException.class.isAssignableFrom(Class.forName(name)))
          .as("%s is still a StreamException of the client", name)
          .isTrue();
    }
  }

  @Test
  void shouldTellFailuresThatPassFromThoseThatDoNot() throws Exception {
    assertThat(RabbitErrors.mayPass(connectionClosed())).as("connection closed").isTrue();
    assertThat(RabbitErrors.mayPass(new StreamException("joining", connectionClosed())))
        .as("connection closed, as a cause").isTrue();
    assertThat(RabbitErrors.mayPass(new StreamNotAvailableException("in-0")))
        .as("stream electing a leader").isTrue();
    assertThat(
            RabbitErrors.mayPass(
                new StreamException("", Constants.RESPONSE_CODE_STREAM_NOT_AVAILABLE)))
        .as("stream not available, as a response code").isTrue();
    assertThat(
            RabbitErrors.mayPass(
                new IllegalStateException(
                    "Could not get stream metadata, response code: 6 (STREAM_NOT_AVAILABLE)")))
        .as("no member to read from yet, as the client's consumer says it").isTrue();
    assertThat(
            RabbitErrors.mayPass(
                RabbitErrors.connecting(
                    new StreamException("connect", new ConnectException("refused")), URI)))
        .as("nobody listening on the port yet").isTrue();

    assertThat(RabbitErrors.mayPass(new AuthenticationFailureException("bad password")))
        .as("credentials").isFalse();
    assertThat(RabbitErrors.mayPass(new StreamDoesNotExistException("in-0")))
        .as("missing stream").isFalse();
    assertThat(
            RabbitErrors.mayPass(new StreamException("", Constants.RESPONSE_CODE_ACCESS_REFUSED)))
        .as("permission").isFalse();
    assertThat(RabbitErrors.mayPass(new IllegalStateException("this RabbitStreamLog is closed")))
        .as("closed log").isFalse();
  }

  @Test
  void shouldTellTheUserToWaitForTheNodesWhenAFailureMayPass() throws Exception {
    LogException e =
        RabbitErrors.onStream(connectionClosed(), "01-Enrollment", "join group 'a' on");

    assertThat(e)
        .isInstanceOf(LogUnavailableException.class)
        .hasMessage(
            "cannot join group 'a' on stream '01-Enrollment' (Connection is closed): a RabbitMQ"
                + " node is down or restarting, or the stream is electing a new leader; try again"
                + " once every node is up ('rabbitmq-diagnostics cluster_status')");
    assertThat(RabbitErrors.onStream(new StreamDoesNotExistException("x"), "x", "read"))
        .isInstanceOf(StreamNotFoundException.class);
  }
}
