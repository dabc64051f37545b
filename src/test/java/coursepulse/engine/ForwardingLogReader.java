package coursepulse.engine;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A reader that passes everything to another, for tests that change one of its answers (what it
 * knows of its end, how it is released).
 */
public abstract class ForwardingLogReader implements LogReader {
  protected final LogReader delegate;

  protected ForwardingLogReader(LogReader delegate) {
    this.delegate = delegate;
  }

  @Override
  public LogMessage poll(Duration timeout) {
    return delegate.poll(timeout);
  }

  @Override
  public int drain(int max, Consumer<? super LogMessage> sink) {
    return delegate.drain(max, sink);
  }

  @Override
  public boolean decodeOnArrival(Function<LogMessage, Object> decoder) {
    return delegate.decodeOnArrival(decoder);
  }

  @Override
  public Catchup catchup() {
    return delegate.catchup();
  }

  @Override
  public String stream() {
    return delegate.stream();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void abandon() {
    delegate.abandon();
  }
}
