package coursepulse.engine.internal;

import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Merges one store's changes along a checkpoint chain (a full checkpoint, then deltas, oldest
 * first) into its content: a streaming merge of the sorted payloads ({@link StoreChanges}), the
 * newest entry of a key winning, removed keys and keys below the newest {@code dropBelow}
 * skipped. Used to restore a store and, off the task thread, to compact a chain into a new full
 * checkpoint; memory beyond the payloads is one entry per payload.
 */
final class ChangeChain {

  private final byte[] header;
  private final byte[] dropBelow;
  private final Cursor[] cursors;

  /** @param payloads oldest first, the first from a full checkpoint */
  ChangeChain(List<byte[]> payloads) throws IOException {
    cursors = new Cursor[payloads.size()];
    byte[] h = new byte[0];
    byte[] drop = null;
    for (int i = 0; i < cursors.length; i++) {
      cursors[i] = new Cursor(payloads.get(i));
      h = cursors[i].header;
      if (cursors[i].dropBelow != null
          && (drop == null || Arrays.compareUnsigned(cursors[i].dropBelow, drop) > 0)) {
        drop = cursors[i].dropBelow;
      }
    }
    header = h;
    dropBelow = drop;
  }

  /** The newest header of the chain. */
  byte[] header() {
    return header;
  }

  /** The merged content in key order, as {key, value} pairs; can be walked once. */
  Iterator<byte[][]> entries() {
    return new Iterator<>() {
      private byte[][] next = advance();

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public byte[][] next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        byte[][] e = next;
        next = advance();
        return e;
      }
    };
  }

  private byte[][] advance() {
    try {
      while (true) {
        byte[] min = null;
        for (Cursor c : cursors) {
          if (c.key != null && (min == null || Arrays.compareUnsigned(c.key, min) < 0)) {
            min = c.key;
          }
        }
        if (min == null) {
          return null;
        }
        byte[] value = null;
        boolean seen = false;
        for (Cursor c : cursors) { // oldest first: the newest value of the key stays
          if (c.key != null && Arrays.equals(c.key, min)) {
            value = c.value;
            seen = true;
            c.advance();
          }
        }
        if (seen && value != null && (dropBelow == null || Arrays.compareUnsigned(min, dropBelow) >= 0)) {
          return new byte[][] {min, value};
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the merged content as one payload of a full checkpoint. */
  void writeMerged(DataOutput out) throws IOException {
    // Counted first: the payload states its entry count before the entries.
    int n = 0;
    for (Iterator<byte[][]> it = new ChangeChain(payloadsOf()).entries(); it.hasNext(); it.next()) {
      n++;
    }
    InMemoryKeyValueStore.writeBytes(out, header);
    StoreChanges.writeNullable(out, dropBelow);
    out.writeInt(n);
    for (Iterator<byte[][]> it = entries(); it.hasNext(); ) {
      byte[][] e = it.next();
      InMemoryKeyValueStore.writeBytes(out, e[0]);
      InMemoryKeyValueStore.writeBytes(out, e[1]);
    }
  }

  private List<byte[]> payloadsOf() {
    return Arrays.stream(cursors).map(c -> c.payload).toList();
  }

  /** Reads one payload entry by entry. */
  private static final class Cursor {
    final byte[] payload;
    final byte[] header;
    final byte[] dropBelow;
    private final ByteBuffer in;
    private int left;
    byte[] key;
    byte[] value;

    Cursor(byte[] payload) throws IOException {
      this.payload = payload;
      in = ByteBuffer.wrap(payload);
      header = readNullable(in);
      if (header == null) {
        throw new IOException("store changes without a header");
      }
      dropBelow = readNullable(in);
      left = in.getInt();
      advance();
    }

    void advance() throws IOException {
      if (left-- <= 0) {
        key = null;
        value = null;
        return;
      }
      key = readNullable(in);
      if (key == null) {
        throw new IOException("store changes with a removed key but no key");
      }
      value = readNullable(in);
    }
  }

  private static byte[] readNullable(ByteBuffer in) throws IOException {
    try {
      int len = in.getInt();
      if (len == -1) {
        return null;
      }
      if (len < 0 || len > in.remaining()) {
        throw new IOException("bad length " + len);
      }
      byte[] b = new byte[len];
      in.get(b);
      return b;
    } catch (BufferUnderflowException e) {
      throw new IOException("store changes end early", e);
    }
  }
}
