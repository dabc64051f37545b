package coursepulse.lms.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the instructors' email: reads new alerts and due digests into the outbox, then delivers
 * due rows one at a time.
 *
 * <p><b>Exactly once, and the window that remains.</b> A row exists at most once per (recipient,
 * alert) or (recipient, digest day) (unique key, inserted with the position in one transaction).
 * Before the SMTP call the row is marked {@code sending} and committed; after it, {@code sent}. A
 * crash between the server accepting the message and that second commit leaves {@code sending}:
 * at start-up such rows become {@code unknown} and are never sent again (counted in {@code
 * coursepulse.notify.emails.unknown}). So a message is never sent twice; in that window (one SMTP
 * call per process crash) it may be lost instead. The Message-ID is fixed per row, so a receiving
 * server that deduplicates would also absorb a resend if an operator chooses to requeue them.
 *
 * <p>Threading: {@link #runOnce()} and {@link #recover()} from one thread.
 */
public final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final DataSource db;
  private final Smtp smtp;
  private final NotifySettings settings;
  private final Clock clock;
  private final Emails emails;
  private final Outbox outbox;
  private final String messageDomain;
  private final MeterRegistry registry;
  private final Counter deferred;

  public Notifier(DataSource db, Smtp smtp, NotifySettings settings, String unsubscribeSecret,
      Clock clock, MeterRegistry registry) {
    this.db = db;
    this.smtp = smtp;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.emails = new Emails(settings, new UnsubscribeToken(unsubscribeSecret));
    this.outbox = new Outbox(emails, settings);
    String from = smtp.from();
    this.messageDomain = from.substring(from.indexOf('@') + 1).replaceAll("[<>\\s]", "");
    this.deferred = Counter.builder("coursepulse.notify.emails.deferred")
        .description("Messages postponed by the per-recipient hourly limit")
        .register(registry);
  }

  /**
   * Marks rows a previous process left mid-send as {@code unknown} (never resent). Call once at
   * start-up, before {@link #runOnce()}, with no other notifier running.
   *
   * @return how many
   */
  public int recover() throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(true);
      int n = Outbox.markUnknown(c);
      if (n > 0) {
        LOG.warn("{} email(s) were being sent when the previous run stopped; not resending them"
            + " (status 'unknown' in email_outbox)", n);
        Counter.builder("coursepulse.notify.emails.unknown")
            .description("Messages whose SMTP call a crash interrupted; never resent")
            .register(registry).increment(n);
      }
      return n;
    }
  }

  /** One round: enqueue, then deliver everything due. @return messages sent */
  public int runOnce() throws SQLException {
    Instant now = clock.instant();
    try (Connection c = db.getConnection()) {
      int queued = outbox.enqueue(c, now);
      if (queued > 0) {
        LOG.info("queued {} email(s)", queued);
      }
      c.setAutoCommit(true);
      int sent = 0;
      Outbox.Claimed row;
      while ((row = outbox.claim(c, clock.instant(), deferred::increment)) != null) {
        sent += deliver(c, row) ? 1 : 0;
      }
      return sent;
    }
  }

  private boolean deliver(Connection c, Outbox.Claimed row) throws SQLException {
    Smtp.Mail mail = new Smtp.Mail(row.email(), row.subject(), row.body(),
        "<coursepulse." + row.id() + "@" + messageDomain + ">",
        emails.unsubscribeUrl(row.userId(), row.kind()));
    try {
      smtp.send(mail);
      Outbox.sent(c, row.id());
      count("coursepulse.notify.emails.sent", row.kind(), null);
      LOG.info("sent {} email {}", row.kind(), row.id());
      LOG.debug("email {} went to {}", row.id(), row.email());
      return true;
    } catch (Smtp.SendFailure e) {
      int attempts = attempts(c, row.id());
      boolean retry = e.transientFailure && attempts < settings.maxAttempts();
      Instant at = retry ? clock.instant().plus(settings.backoffAfter(attempts)) : null;
      Outbox.failed(c, row.id(), e.getMessage(), at);
      count("coursepulse.notify.emails.failed", row.kind(), retry ? "retry" : "gave-up");
      LOG.warn("{} email {} failed (attempt {}): {}{}", row.kind(), row.id(), attempts,
          e.getMessage(), retry ? "; retrying at " + at : "; giving up");
      return false;
    }
  }

  private static int attempts(Connection c, long id) throws SQLException {
    try (var p = c.prepareStatement("SELECT attempts FROM email_outbox WHERE id = ?")) {
      p.setLong(1, id);
      try (var rs = p.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 1;
      }
    }
  }

  private void count(String name, String kind, String outcome) {
    Counter.Builder b = Counter.builder(name).tag("kind", kind);
    if (outcome != null) {
      b.tag("outcome", outcome);
    }
    b.register(registry).increment();
  }
}
