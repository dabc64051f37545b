package coursepulse.lms.risk;

import java.nio.charset.StandardCharsets;

/**
 * The binary primitives of the risk stores' formats ({@link StateSerdes}): a format byte, then
 * zig-zag varints, times as deltas from a base where they cluster, strings as length and UTF-8.
 * Equal values give equal bytes.
 */
final class StateCodec {
  private StateCodec() {}

  /** The format byte of a record, for the readers of older formats. */
  static byte format(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("unknown risk state format (empty)");
    }
    return bytes[0];
  }

  /** Writes a record: a format byte, then zig-zag varints. */
  static final class Out {
    // A plain array, not a ByteArrayOutputStream: its synchronized writes showed in profiles of
    // the per-event path (one state written back per event).
    private byte[] buf;
    private int size;
    private long base;

    Out() {
      this(64);
    }

    private Out(int capacity) {
      buf = new byte[capacity];
    }

    private void write(int b) {
      if (size == buf.length) {
        buf = java.util.Arrays.copyOf(buf, size * 2);
      }
      buf[size++] = (byte) b;
    }

    void format(byte version) {
      write(version);
    }

    void varlong(long v) {
      long z = (v << 1) ^ (v >> 63);
      while ((z & ~0x7FL) != 0) {
        write((int) ((z & 0x7F) | 0x80));
        z >>>= 7;
      }
      write((int) z);
    }

    /** Sets the base of {@link #time}: a time the record's times cluster around. */
    void base(long base) {
      this.base = base;
    }

    /** A time relative to the base, with -1 (none) kept distinct. */
    void time(long t) {
      rel(t, base);
    }

    /** A time relative to a base, with -1 (none) kept distinct. */
    void rel(long t, long base) {
      long d = t - base;
      varlong(t == -1 ? 0 : d >= 0 ? d + 1 : d);
    }

    void weekly(WeeklyCounts w) {
      varlong(w.latestWeek());
      short[] c = w.raw();
      varlong(c.length);
      for (short s : c) {
        varlong(s);
      }
    }

    /** A ring of no weeks: what format 2 keeps where its submissions per week were. */
    void emptyWeekly() {
      varlong(Integer.MIN_VALUE);
      varlong(0);
    }

    /** Four bytes, big-endian: for values spread over the whole range (fingerprints). */
    void int32(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varlong(b.length);
      for (byte x : b) {
        write(x);
      }
    }

    /**
     * The rule states of a record: their count, then per state its slot id, its length in bytes
     * (so a reader can pass over a slot no rule declares any more) and what its slot writes. Empty
     * states are left out, so equal states give equal bytes however they came about.
     */
    void slots(Slotted record) {
      int n = 0;
      for (AlertSlot s : record.slots()) {
        n += s.isEmpty() ? 0 : 1;
      }
      varlong(n);
      for (AlertSlot s : record.slots()) {
        if (s.isEmpty()) {
          continue;
        }
        StateSlot<?> slot = StateSlot.byId(s.id);
        Out payload = new Out(16);
        payload.base = base;
        slot.write(s, payload);
        varlong(s.id);
        varlong(payload.size);
        for (int i = 0; i < payload.size; i++) {
          write(payload.buf[i]);
        }
      }
    }

    byte[] bytes() {
      return java.util.Arrays.copyOf(buf, size);
    }
  }

  /** Reads a record written by {@link Out}. */
  static final class In {
    private final byte[] b;
    private int pos;
    private long base;

    /** Reads from the start, no format byte. */
    In(byte[] b) {
      this.b = b;
    }

    /** Reads a record of format {@code version}, after its format byte. */
    In(byte[] b, byte version) {
      if (b.length == 0 || b[0] != version) {
        throw new IllegalArgumentException(
            "unknown risk state format " + (b.length == 0 ? "(empty)" : b[0]));
      }
      this.b = b;
      this.pos = 1;
    }

    /** Bytes read so far, the format byte included. */
    int position() {
      return pos;
    }

    long varlong() {
      long z = 0;
      int shift = 0;
      while (true) {
        if (pos >= b.length) {
          throw new IllegalArgumentException("truncated risk state");
        }
        int x = b[pos++];
        z |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          break;
        }
        shift += 7;
        if (shift > 63) {
          throw new IllegalArgumentException("malformed varint in risk state");
        }
      }
      return (z >>> 1) ^ -(z & 1);
    }

    void base(long base) {
      this.base = base;
    }

    long time() {
      return rel(base);
    }

    long rel(long base) {
      long v = varlong();
      if (v == 0) {
        return -1;
      }
      return v > 0 ? base + v - 1 : base + v;
    }

    /** Passes over a ring written by {@link Out#weekly} or {@link Out#emptyWeekly}. */
    void skipWeekly() {
      varlong();
      for (int n = (int) varlong(); n > 0; n--) {
        varlong();
      }
    }

    WeeklyCounts weekly(int weeksKept) {
      int week = (int) varlong();
      int n = (int) varlong();
      short[] stored = new short[n];
      for (int i = 0; i < n; i++) {
        stored[i] = (short) varlong();
      }
      // A configuration change of baselineWeeks keeps what fits.
      short[] c = new short[weeksKept + 1];
      System.arraycopy(stored, 0, c, 0, Math.min(n, c.length));
      return new WeeklyCounts(week, c);
    }

    int int32() {
      if (pos + 4 > b.length) {
        throw new IllegalArgumentException("truncated risk state");
      }
      int v = (b[pos] & 0xff) << 24 | (b[pos + 1] & 0xff) << 16 | (b[pos + 2] & 0xff) << 8
          | (b[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    String string() {
      int n = (int) varlong();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    /**
     * Reads what {@link Out#slots} wrote into {@code record}. A slot that no rule declares any more
     * (a rule taken out) is passed over: its state goes with it.
     */
    void slots(Slotted record) {
      int n = (int) varlong();
      for (int i = 0; i < n; i++) {
        int id = (int) varlong();
        int length = (int) varlong();
        int end = pos + length;
        if (length < 0 || end > b.length) {
          throw new IllegalArgumentException("truncated risk state");
        }
        StateSlot<?> slot = StateSlot.byId(id);
        if (slot != null) {
          record.add(slot.read(this));
          if (pos > end) {
            throw new IllegalArgumentException("risk state slot " + id + " longer than stored");
          }
        }
        pos = end;
      }
    }
  }
}
