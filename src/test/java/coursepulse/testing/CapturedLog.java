package coursepulse.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one logger writes while this is open, for tests that assert what an operator reads in the
 * log. Close it (try-with-resources) to stop capturing.
 */
public final class CapturedLog implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLog(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing what the logger of {@code type} (named after its class) writes. */
  public static CapturedLog of(Class<?> type) {
    return of(type.getName());
  }

  /** Starts capturing what the logger {@code loggerName} writes. */
  public static CapturedLog of(String loggerName) {
    return new CapturedLog(loggerName);
  }

  /** The events so far, in order. */
  public List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** The messages so far, formatted as the log shows them, in order. */
  public List<String> messages() {
    return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
