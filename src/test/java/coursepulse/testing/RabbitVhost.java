package coursepulse.testing;

import coursepulse.io.rabbit.RabbitSettings;
import coursepulse.io.rabbit.RabbitStreamLog;
import java.util.UUID;

/**
 * A fresh RabbitMQ virtual host that {@link RabbitMqExtension} created for one test class and
 * deletes after it.
 *
 * @param name the virtual host name, {@code cp-<TestClass>-<random>}
 * @param uri a {@code rabbitmq-stream://} URI bound to this virtual host (contains the password:
 *     do not print it)
 */
public record RabbitVhost(String name, String uri) {

  /** Opens a new log bound to this virtual host; the caller closes it. */
  public RabbitStreamLog openLog() {
    return RabbitStreamLog.connect(RabbitSettings.of(uri));
  }

  /** Settings for this virtual host, to tune before opening a log. */
  public RabbitSettings.Builder settings() {
    return RabbitSettings.builder(uri);
  }

  /** A stream name unique in this virtual host: {@code <prefix>-<random>}. Not created. */
  public static String uniqueStream(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public String toString() {
    return "RabbitVhost{" + name + "}";
  }
}
