package coursepulse.engine.internal;

import coursepulse.engine.InstanceSighting;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instances of an application run, wherever they run, told through the log: a running
 * engine appends a heartbeat to {@code <applicationId>-instances} every {@link #INTERVAL} and a
 * "stopped" record when it closes; tools that must not act on a running application ({@code
 * reset}) read the recent records. A local lock cannot see an instance on another machine; the
 * log can.
 *
 * <p><b>Whose clock.</b> Ages are measured on the log's clock only: the reader appends a probe of
 * its own and compares every heartbeat's log timestamp (the broker's chunk time on RabbitMQ) with
 * the probe's. Neither the instance's nor the reader's clock enters, so clock skew between machines
 * cannot make a live instance look stale or a dead one look live.
 *
 * <p>A heartbeat older than the caller's timeout means the instance ended without saying so (killed,
 * host gone) or stands still (paused): reported, not counted as running. Records are {@code PRS1},
 * kind, instance name ({@code pid@host}: no personal data), session (random per start).
 */
public final class InstancePresence implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InstancePresence.class);
  private static final int MAGIC = 0x50525331; // "PRS1"
  private static final byte RUNNING = 1;
  private static final byte STOPPED = 2;
  private static final byte PROBE = 3;
  /** How often a running instance says so. */
  public static final Duration INTERVAL = Duration.ofSeconds(2);
  /** How far back a reader looks: instances silent for longer are forgotten. */
  static final Duration WINDOW = Duration.ofMinutes(10);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  static final Retention RETENTION = new Retention(Duration.ofDays(1), 64L * 1024 * 1024);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final StreamLog log;
  private final String stream;
  private final String instance;
  private final long session = RANDOM.nextLong();
  private final Object lock = new Object();
  private final Thread thread;
  private LogWriter writer;
  private long sequence;
  private boolean closed;
  private boolean warned;

  private InstancePresence(StreamLog log, String applicationId, String instance) {
    this.log = log;
    this.stream = streamName(applicationId);
    this.instance = instance;
    this.thread = new Thread(this::run, "coursepulse-presence-" + applicationId);
    thread.setDaemon(true);
  }

  /** The presence stream of an application. */
  public static String streamName(String applicationId) {
    return applicationId + "-instances";
  }

  /**
   * Starts announcing {@code instance}: a first heartbeat before returning (so that a tool run
   * right after sees it), then one every {@link #INTERVAL} on a daemon thread.
   */
  public static InstancePresence announce(StreamLog log, String applicationId, String instance) {
    InstancePresence p = new InstancePresence(log, applicationId, instance);
    log.createStream(p.stream, RETENTION);
    p.beat(RUNNING);
    p.thread.start();
    return p;
  }

  private void run() {
    while (true) {
      synchronized (lock) {
        try {
          lock.wait(INTERVAL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
      }
      beat(RUNNING);
    }
  }

  private void beat(byte kind) {
    synchronized (lock) {
      try {
        if (writer == null) {
          writer = log.writer(stream, null);
        }
        writer.append(sequence++, encode(kind, instance, session));
        writer.flush(FLUSH_TIMEOUT);
        warned = false;
      } catch (LogException | IllegalStateException e) {
        // The log is down or restarting: the engine copes on its own; try a new writer next time.
        if (!warned) {
          LOG.warn("cannot write this instance's heartbeat to '{}': {}", stream, e.getMessage());
          warned = true;
        }
        closeWriter();
      }
    }
  }

  private void closeWriter() {
    if (writer != null) {
      try {
        writer.close();
      } catch (RuntimeException e) {
        LOG.debug("closing the presence writer failed", e);
      }
      writer = null;
    }
  }

  /** Says "stopped" (so tools need not wait for the heartbeat to age) and stops announcing. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    beat(STOPPED);
    synchronized (lock) {
      closeWriter();
    }
  }

  /**
   * The instances of an application seen within the last {@link #WINDOW}, each with the age of its
   * newest record on the log's clock; {@code running} when that record is a heartbeat younger than
   * {@code timeout}. Appends one probe record to the presence stream (to read the log's clock).
   */
  public static List<InstanceSighting> sightings(
      StreamLog log, String applicationId, Duration timeout) {
    String stream = streamName(applicationId);
    if (!log.streamExists(stream)) {
      return List.of();
    }
    long nonce = RANDOM.nextLong();
    LogMessage probe;
    try (LogReader tail = log.reader(stream, OffsetSpec.next());
        LogWriter w = log.writer(stream, null)) {
      w.append(0, encode(PROBE, "probe", nonce));
      w.flush(FLUSH_TIMEOUT);
      probe = find(tail, nonce);
    }
    long now = probe.timestamp();
    Map<Long, Record> newest = new LinkedHashMap<>();
    try (LogReader reader =
        log.reader(stream, OffsetSpec.timestamp(Math.max(0, now - WINDOW.toMillis())))) {
      while (true) {
        LogMessage m = reader.poll(READ_TIMEOUT);
        if (m == null) {
          throw new LogException("the presence stream '" + stream + "' stopped before the probe");
        }
        if (m.offset() >= probe.offset()) {
          break;
        }
        Record r = decode(m);
        if (r != null && r.kind != PROBE) {
          newest.put(r.session, r);
        }
      }
    }
    List<InstanceSighting> out = new ArrayList<>();
    for (Record r : newest.values()) {
      Duration age = Duration.ofMillis(Math.max(0, now - r.timestamp));
      boolean running = r.kind == RUNNING && age.compareTo(timeout) < 0;
      InstanceSighting.Status status =
          r.kind == STOPPED
              ? InstanceSighting.Status.STOPPED
              : running ? InstanceSighting.Status.RUNNING : InstanceSighting.Status.SILENT;
      out.add(new InstanceSighting(r.instance, status, age));
    }
    return out;
  }

  private static LogMessage find(LogReader reader, long nonce) {
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      LogMessage m = reader.poll(Duration.ofMillis(200));
      if (m != null) {
        Record r = decode(m);
        if (r != null && r.kind == PROBE && r.session == nonce) {
          return m;
        }
      }
    }
    throw new LogException("the log did not deliver the presence probe within " + READ_TIMEOUT);
  }

  private record Record(byte kind, String instance, long session, long timestamp) {}

  private static byte[] encode(byte kind, String instance, long session) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bos);
      out.writeInt(MAGIC);
      out.writeByte(kind);
      out.writeUTF(instance);
      out.writeLong(session);
      out.flush();
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
  }

  private static Record decode(LogMessage m) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(m.body()));
      if (in.readInt() != MAGIC) {
        return null;
      }
      byte kind = in.readByte();
      String instance = in.readUTF();
      long session = in.readLong();
      return new Record(kind, instance, session, m.timestamp());
    } catch (IOException e) {
      return null; // not ours
    }
  }
}
