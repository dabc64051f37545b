package coursepulse.lms.simulator;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * A reusable byte buffer for the simulator's hand-written JSON. The frequent events are written
 * here instead of through Jackson: the bytes are identical to {@code EventCodec.encode} (a test
 * checks every type) at a fraction of the cost, and the date part of timestamps is formatted once
 * per day.
 */
final class JsonOut {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  byte[] bytes = new byte[512];
  int size;
  private long cachedDay = Long.MIN_VALUE;
  private final byte[] cachedDate = new byte[10];

  void reset() {
    size = 0;
  }

  private void ensure(int extra) {
    if (size + extra > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
    }
  }

  JsonOut raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
    return this;
  }

  JsonOut raw(char c) {
    ensure(1);
    bytes[size++] = (byte) c;
    return this;
  }

  /** Appends {@code value} in decimal, left-padded with zeros to {@code width} digits. */
  JsonOut padded(long value, int width) {
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    int w = Math.max(width, digits);
    ensure(w);
    long v = value;
    for (int i = size + w - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    size += w;
    return this;
  }

  JsonOut hex(long value, int digits) {
    ensure(digits);
    for (int i = digits - 1; i >= 0; i--) {
      bytes[size++] = HEX[(int) (value >>> (i * 4)) & 0xF];
    }
    return this;
  }

  /** ISO-8601 UTC with whole seconds, as {@code DateTimeFormatter.ISO_INSTANT} prints them. */
  JsonOut instant(long epochSecond) {
    long day = Math.floorDiv(epochSecond, 86_400L);
    int sec = (int) Math.floorMod(epochSecond, 86_400L);
    if (day != cachedDay) {
      byte[] d = LocalDate.ofEpochDay(day).toString().getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(d, 0, cachedDate, 0, 10);
      cachedDay = day;
    }
    ensure(20);
    System.arraycopy(cachedDate, 0, bytes, size, 10);
    size += 10;
    bytes[size++] = 'T';
    two(sec / 3600);
    bytes[size++] = ':';
    two(sec / 60 % 60);
    bytes[size++] = ':';
    two(sec % 60);
    bytes[size++] = 'Z';
    return this;
  }

  private void two(int v) {
    bytes[size++] = (byte) ('0' + v / 10);
    bytes[size++] = (byte) ('0' + v % 10);
  }

  byte[] toArray() {
    return Arrays.copyOf(bytes, size);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
