package coursepulse.lms.notify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * How to reach the SMTP server. {@link #toString()} never shows the password.
 *
 * @param security {@code NONE}, {@code STARTTLS} (required, not opportunistic) or {@code TLS}
 *     (implicit, usually port 465)
 * @param user null for no authentication
 */
public record Smtp(
    String host, int port, Security security, String user, String password, String from) {

  /** Transport security. */
  public enum Security {
    NONE,
    STARTTLS,
    TLS
  }

  public Smtp {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(
          "--smtp-host (or COURSEPULSE_SMTP_HOST) is required: the mail server to send through");
    }
    if (from == null || from.isBlank()) {
      throw new IllegalArgumentException(
          "--mail-from (or COURSEPULSE_MAIL_FROM) is required: the sender address, e.g."
              + " coursepulse@example.edu");
    }
  }

  @Override
  public String toString() {
    return "smtp://" + (user == null ? "" : user + ":***@") + host + ":" + port + " (" + security
        + ")";
  }

  /** A message ready to send; {@code messageId} is fixed per outbox row (receivers may dedupe). */
  record Mail(String to, String subject, String body, String messageId, String unsubscribeUrl) {}

  /** Why a send failed, and whether trying again later may help. */
  static final class SendFailure extends Exception {
    final boolean transientFailure;

    SendFailure(String message, boolean transientFailure, Throwable cause) {
      super(message, cause);
      this.transientFailure = transientFailure;
    }
  }

  /** Sends one message over a new connection (a few per minute: no pooling needed). */
  void send(Mail mail) throws SendFailure {
    Properties p = new Properties();
    String proto = security == Security.TLS ? "smtps" : "smtp";
    p.setProperty("mail.transport.protocol", proto);
    p.setProperty("mail." + proto + ".host", host);
    p.setProperty("mail." + proto + ".port", Integer.toString(port));
    p.setProperty("mail." + proto + ".connectiontimeout", "10000");
    p.setProperty("mail." + proto + ".timeout", "30000");
    p.setProperty("mail." + proto + ".writetimeout", "30000");
    p.setProperty("mail." + proto + ".auth", Boolean.toString(user != null));
    if (security == Security.STARTTLS) {
      p.setProperty("mail.smtp.starttls.enable", "true");
      p.setProperty("mail.smtp.starttls.required", "true");
    }
    if (security != Security.NONE) {
      p.setProperty("mail." + proto + ".ssl.checkserveridentity", "true");
    }
    Session session = Session.getInstance(p);
    try {
      MimeMessage m =
          new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
              setHeader("Message-ID", mail.messageId());
            }
          };
      m.setFrom(new InternetAddress(from));
      m.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
      m.setSubject(mail.subject(), "UTF-8");
      m.setText(mail.body(), "UTF-8");
      m.setSentDate(new Date());
      m.setHeader("List-Unsubscribe", "<" + mail.unsubscribeUrl() + ">");
      m.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
      m.setHeader("Auto-Submitted", "auto-generated");
      try (Transport t = session.getTransport(proto)) {
        t.connect(host, port, user, password);
        t.sendMessage(m, m.getAllRecipients());
      }
    } catch (MessagingException e) {
      throw failure(e);
    }
  }

  /**
   * What went wrong, in words that say what to fix, and whether trying later may help: a 4xx
   * reply and no reply at all (connection refused, timeout) may pass; a 5xx reply, refused
   * credentials, a missing STARTTLS and an address that is not one will not. The server's own
   * text is quoted only where it cannot hold the recipient's address (a personal datum, kept out
   * of logs).
   */
  SendFailure failure(MessagingException e) {
    if (e instanceof AddressException) {
      return new SendFailure("the recipient's address is not a valid email address: correct it"
          + " with 'coursepulse users add --login ... --email ...'", false, e);
    }
    if (e instanceof AuthenticationFailedException) {
      return new SendFailure(this + " refused the credentials (" + firstLine(e.getMessage())
          + "): check --smtp-user and the password", false, e);
    }
    if (String.valueOf(e.getMessage()).contains("STARTTLS")) {
      return new SendFailure(this + " does not offer STARTTLS: choose the --smtp-security it"
          + " supports (TLS on port 465, or NONE on a trusted network)", false, e);
    }
    int code = replyCode(e);
    if (code > 0) {
      return new SendFailure("SMTP reply " + code + " from " + this, code < 500, e);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new SendFailure("no SMTP reply from " + this + " (" + root.getClass().getSimpleName()
        + (root instanceof java.io.IOException && root.getMessage() != null
            ? ": " + firstLine(root.getMessage()) : "") + ")", true, e);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  private static int replyCode(MessagingException e) {
    for (Exception x = e; x != null; ) {
      if (x instanceof SMTPSendFailedException s && s.getReturnCode() > 0) {
        return s.getReturnCode();
      }
      if (x instanceof SMTPAddressFailedException a) {
        return a.getReturnCode();
      }
      x = x instanceof MessagingException m ? m.getNextException() : null;
    }
    return 0;
  }
}
