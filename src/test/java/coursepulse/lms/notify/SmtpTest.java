package coursepulse.lms.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpTest {

  @Test
  void shouldNeverShowPasswordInItsDescription() {
    Smtp smtp = new Smtp("mail.example.edu", 587, Smtp.Security.STARTTLS, "cp", "s3cr3t-pw",
        "cp@example.edu");
    assertThat(smtp.toString()).isEqualTo("smtp://cp:***@mail.example.edu:587 (STARTTLS)")
        .doesNotContain("s3cr3t-pw");
  }

  @Test
  void shouldAskForHostWhenMissing() {
    assertThatThrownBy(() -> new Smtp(" ", 25, Smtp.Security.NONE, null, null, "a@b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--smtp-host");
  }

  @Test
  void shouldAcceptOnlyTokenSignedForThatAccountAndKind() {
    UnsubscribeToken tokens = new UnsubscribeToken("0123456789abcdef-secret");
    String token = tokens.sign(7, "alert");
    assertThat(tokens.verify(7, "alert", token)).isTrue();
    assertThat(tokens.verify(8, "alert", token)).isFalse();
    assertThat(tokens.verify(7, "digest", token)).isFalse();
    assertThat(new UnsubscribeToken("another-secret-0123456").verify(7, "alert", token)).isFalse();
  }

  @Test
  void shouldDoubleBackoffUpToAnHour() {
    NotifySettings s = new NotifySettings("https://x.example", "https://x.example/unsubscribe",
        java.time.LocalTime.of(7, 0), 20, 6, java.time.Duration.ofSeconds(30),
        java.time.Duration.ofSeconds(10));
    assertThat(s.backoffAfter(1)).hasSeconds(30);
    assertThat(s.backoffAfter(3)).hasSeconds(120);
    assertThat(s.backoffAfter(12)).hasHours(1);
  }
}
