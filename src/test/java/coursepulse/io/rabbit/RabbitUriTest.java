package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RabbitUriTest {

  @Test
  void shouldDecodeTheDefaultVirtualHost() {
    RabbitUri uri = RabbitUri.parse("rabbitmq-stream://guest:guest@localhost:5552/%2f");

    assertThat(uri.virtualHost()).isEqualTo("/");
    assertThat(uri.tls()).isFalse();
    assertThat(uri.endpoint()).isEqualTo("localhost:5552");
  }

  @Test
  void shouldUseTheTlsPortAndDecodeCredentialsForTlsUris() {
    RabbitUri uri = RabbitUri.parse("rabbitmq-stream+tls://app:p%40ss+word@mq.example/lms");

    assertThat(uri.tls()).isTrue();
    assertThat(uri.port()).isEqualTo(5551);
    assertThat(uri.username()).isEqualTo("app");
    assertThat(uri.password()).isEqualTo("p@ss+word");
    assertThat(uri.virtualHost()).isEqualTo("lms");
  }

  @Test
  void shouldDefaultToTheRootVirtualHostWithoutPath() {
    assertThat(RabbitUri.parse("rabbitmq-stream://u:p@h").virtualHost()).isEqualTo("/");
    assertThat(RabbitUri.parse("rabbitmq-stream://u:p@h").port()).isEqualTo(5552);
  }

  @Test
  void shouldNeverShowThePassword() {
    RabbitUri uri = RabbitUri.parse("rabbitmq-stream://app:t0p-s3cret@h:5552/v");

    assertThat(uri.redacted()).isEqualTo("rabbitmq-stream://app@h:5552/v");
    assertThat(uri.toString()).doesNotContain("t0p-s3cret");
    assertThat(RabbitSettings.of("rabbitmq-stream://app:t0p-s3cret@h:5552/v").toString())
        .doesNotContain("t0p-s3cret");
    assertThatThrownBy(() -> RabbitUri.parse("amqp://app:t0p-s3cret@h:5672/v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rabbitmq-stream://")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("t0p-s3cret"));
  }

  /** The password of a URI that cannot be read may hold any character: none of it may show. */
  @Test
  void shouldNeverShowThePasswordOfAUriItCannotRead() {
    for (String uri :
        List.of(
            "rabbitmq-stream//guest:Secr3tPW@localhost:5552/h6",
            "rabbitmq-stream://guest:Secr3t PW@localhost:5552/h6",
            "rabbitmq-stream://guest:Se/cr3tPW@localhost:5552/h6",
            "rabbitmq-stream://guest:Se@cr3tPW@localhost:5552/h6",
            "rabbitmq-stream://guest:Se#cr3tPW@localhost:5552/h6",
            "amqp://guest:Secr3tPW@localhost:5552/h6")) {
      assertThatThrownBy(() -> RabbitUri.parse(uri))
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("cr3t", "PW").contains("guest:***@"));
    }
    assertThatThrownBy(() -> RabbitUri.parse("rabbitmq-stream://guest:Se/cr3t@localhost:5552/h6"))
        .hasMessageContaining("percent-encode")
        .hasMessageContaining("/ as %2F");
  }

  @Test
  void shouldReadTheNodesOfAClusterSeparatedByCommas() {
    var uris =
        RabbitUri.parseAll(
            "rabbitmq-stream://app:a,b@mq1:5561/lms, rabbitmq-stream://app:a,b@mq2:5562/lms");

    assertThat(uris).extracting(RabbitUri::endpoint).containsExactly("mq1:5561", "mq2:5562");
    assertThat(uris).extracting(RabbitUri::password).containsOnly("a,b");
    assertThat(RabbitUri.parseAll("rabbitmq-stream://u:p@h:5552/v")).hasSize(1);
  }

  @Test
  void shouldRefuseClusterUrisThatDifferInMoreThanHostAndPort() {
    assertThatThrownBy(
            () -> RabbitUri.parseAll("rabbitmq-stream://u:secret@h1/a,rabbitmq-stream://u:secret@h2/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ only in host and port")
        .hasMessageNotContaining("secret");
  }

  @Test
  void shouldGiveTheStreamClientEncodedCredentials() {
    RabbitUri uri = RabbitUri.parse("rabbitmq-stream://app:p%40ss%3Aword@h:5552/%2f");

    assertThat(uri.full()).isEqualTo("rabbitmq-stream://app:p%40ss%3Aword@h:5552/%2F");
  }

  @Test
  void shouldReadBrokerVersions() {
    assertThat(BrokerVersion.parse("3.10.8").atLeast(3, 11)).isFalse();
    assertThat(BrokerVersion.parse("3.11.0").atLeast(3, 11)).isTrue();
    assertThat(BrokerVersion.parse("4.0.5").atLeast(3, 13)).isTrue();
    assertThat(BrokerVersion.parse(null).atLeast(3, 10)).isFalse();
  }
}
