package coursepulse.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far a replay is: a progress bar (percent of the range, events/s, ETA) on a terminal,
 * else one plain line per interval for logs and CI. Reads a counter of processed events from
 * another thread; after {@link #start} a thread of its own calls {@link #update()} periodically, so
 * the command can wait for the replay's end in one call.
 */
final class ReplayProgress implements AutoCloseable {

  /** How progress is shown. */
  enum Mode {
    /** A bar when the console is a terminal, lines otherwise. */
    AUTO,
    BAR,
    LINES,
    NONE
  }

  private final Mode mode;
  private final long total;
  private final LongSupplier processed;
  private final PrintWriter err;
  private final long intervalNanos;
  private final long started = System.nanoTime();
  private final ProgressBar bar;
  private long lastLineAt;
  private long lastLineCount;
  private Thread ticker;

  ReplayProgress(Mode requested, long total, LongSupplier processed, PrintWriter err, Duration interval) {
    Mode m = requested;
    if (m == Mode.AUTO) {
      m = System.console() != null ? Mode.BAR : Mode.LINES;
    }
    this.mode = m;
    this.total = Math.max(1, total);
    this.processed = processed;
    this.err = err;
    this.intervalNanos = interval.toNanos();
    this.lastLineAt = started;
    this.bar =
        m == Mode.BAR
            ? new ProgressBarBuilder()
                .setTaskName("replay")
                .setInitialMax(this.total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUnit(" ev", 1)
                .showSpeed()
                .setUpdateIntervalMillis(500)
                .build()
            : null;
  }

  /** Calls {@link #update()} every {@code every} on a daemon thread until {@link #close()}. */
  ReplayProgress start(Duration every) {
    long millis = Math.max(1, every.toMillis());
    ticker =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(millis);
                  update();
                }
              } catch (InterruptedException e) {
                // closed
              }
            },
            "coursepulse-replay-progress");
    ticker.setDaemon(true);
    ticker.start();
    return this;
  }

  /** Moves the bar, or prints a line when the interval has passed; one thread at a time. */
  synchronized void update() {
    long n = Math.min(total, processed.getAsLong());
    if (bar != null) {
      bar.stepTo(n);
      return;
    }
    if (mode != Mode.LINES) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastLineAt < intervalNanos) {
      return;
    }
    double rate = (n - lastLineCount) * 1e9 / Math.max(1, now - lastLineAt);
    err.println(line(n, total, rate));
    err.flush();
    lastLineAt = now;
    lastLineCount = n;
  }

  /** One progress line: percent of the range, events/s over the last interval, ETA. */
  static String line(long done, long total, double ratePerSecond) {
    String eta;
    if (ratePerSecond <= 0) {
      eta = "?";
    } else {
      long s = (long) Math.ceil((total - done) / ratePerSecond);
      eta = String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
    return String.format(
        Locale.ROOT,
        "replay: %5.1f%% (%,d of %,d events), %,.0f events/s, ETA %s",
        100.0 * done / Math.max(1, total), done, total, ratePerSecond, eta);
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.interrupt();
      try {
        ticker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    update();
    if (bar != null) {
      bar.stepTo(Math.min(total, processed.getAsLong()));
      bar.close();
    }
  }
}
