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
  void shouldSayWhatToFixAndGiveUpOnFailuresThatWillNotPass() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort(); // free once closed: nothing answers there
    }
    Smtp smtp = new Smtp("127.0.0.1", closed, Smtp.Security.NONE, null, null, "cp@example.edu");
    Smtp.Mail bad = new Smtp.Mail("frank at example", "s", "b", "<1@x>", "https://x/u");
    assertThatThrownBy(() -> smtp.send(bad))
        .isInstanceOfSatisfying(Smtp.SendFailure.class, f -> {
          assertThat(f.transientFailure).isFalse();
          assertThat(f.getMessage()).contains("not a valid email address", "users add")
              .doesNotContain("frank");
        });
    Smtp.Mail good = new Smtp.Mail("ann@example.edu", "s", "b", "<2@x>", "https://x/u");
    assertThatThrownBy(() -> smtp.send(good))
        .isInstanceOfSatisfying(Smtp.SendFailure.class, f -> {
          assertThat(f.transientFailure).isTrue();
          assertThat(f.getMessage()).startsWith("no SMTP reply from smtp://127.0.0.1:" + closed)
              .contains("ConnectException").doesNotContain("ann@");
        });
    Smtp.SendFailure auth =
        smtp.failure(new jakarta.mail.AuthenticationFailedException("535 5.7.8 Bad credentials"));
    assertThat(auth.transientFailure).isFalse();
    assertThat(auth.getMessage()).contains("refused the credentials (535 5.7.8 Bad credentials)");
    Smtp.SendFailure tls = smtp.failure(new jakarta.mail.MessagingException(
        "STARTTLS is required but host does not support STARTTLS"));
    assertThat(tls.transientFailure).isFalse();
    assertThat(tls.getMessage()).contains("does not offer STARTTLS", "--smtp-security");
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
