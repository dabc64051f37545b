package coursepulse.engine.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An ordered map from byte-array keys to byte-array values (unsigned lexicographic key order),
 * packed for a small heap: entries live back to back in the byte array of a page of at most
 * {@value #MAX_ENTRIES} entries, pages are kept in key order in one array. Per entry that costs
 * the key and value bytes plus about ten bytes (an offset, two length bytes, page slack), where a
 * {@code TreeMap<byte[], byte[]>} costs about 70 (an entry node and two array headers) and a hash
 * map of wrapped keys about 90.
 *
 * <p>Point operations are two binary searches (over pages, then within one); a range is a seek and
 * a forward walk, so it costs what it returns, never the size of the map. A value rewritten with
 * the same length (most state updates) is overwritten in place; otherwise the new entry is
 * appended to its page and the page compacted when half of it is garbage.
 *
 * <p>Not thread-safe. Callers must not modify arrays they passed in or got back; {@link #get} and
 * iteration return copies.
 */
final class SortedBytesMap {

  static final int MAX_ENTRIES = 64;

  private Page[] pages = new Page[4];
  private int pageCount;
  private int size;

  int size() {
    return size;
  }

  void clear() {
    pages = new Page[4];
    pageCount = 0;
    size = 0;
  }

  byte[] get(byte[] key) {
    if (pageCount == 0) {
      return null;
    }
    Page p = pages[pageFor(key)];
    int i = p.search(key);
    return i < 0 ? null : p.value(i);
  }

  /** Puts a non-null value. */
  void put(byte[] key, byte[] value) {
    if (pageCount == 0) {
      insertPage(0, new Page(entrySize(key.length, value.length) * 4));
    }
    int pi = pageFor(key);
    Page p = pages[pi];
    int i = p.search(key);
    if (i >= 0) {
      p.replace(i, key, value);
      return;
    }
    p.insert(-i - 1, key, value);
    size++;
    if (p.count > MAX_ENTRIES) {
      insertPage(pi + 1, p.splitUpperHalf());
    }
  }

  /** Removes a key and returns its value, or {@code null}. */
  byte[] remove(byte[] key) {
    if (pageCount == 0) {
      return null;
    }
    int pi = pageFor(key);
    Page p = pages[pi];
    int i = p.search(key);
    if (i < 0) {
      return null;
    }
    byte[] old = p.value(i);
    p.delete(i);
    size--;
    if (p.count == 0) {
      System.arraycopy(pages, pi + 1, pages, pi, pageCount - pi - 1);
      pages[--pageCount] = null;
    }
    return old;
  }

  /**
   * Appends entries given in strictly increasing key order to an empty map (restoring a
   * snapshot): pages are filled to three quarters, so early puts do not split them at once.
   */
  void appendSorted(byte[] key, byte[] value) {
    Page last = pageCount == 0 ? null : pages[pageCount - 1];
    if (last != null && last.compareWithKey(last.count - 1, key) >= 0) {
      put(key, value); // not in order after all: still correct
      return;
    }
    if (last == null || last.count >= MAX_ENTRIES * 3 / 4) {
      last = new Page(entrySize(key.length, value.length) * (MAX_ENTRIES * 3 / 4));
      insertPage(pageCount, last);
    }
    last.insert(last.count, key, value);
    size++;
  }

  /** Releases growth slack of every page (after a bulk load). */
  void trim() {
    for (int i = 0; i < pageCount; i++) {
      pages[i].compact(0);
    }
  }

  /**
   * Entries with {@code from <= key <= to} in key order; {@code null} bounds are open. Each
   * element is {@code {key, value}}, both copies.
   */
  Iterator<byte[][]> range(byte[] from, byte[] to) {
    int pi;
    int i;
    if (pageCount == 0) {
      pi = 0;
      i = 0;
    } else if (from == null) {
      pi = 0;
      i = 0;
    } else {
      pi = pageFor(from);
      int s = pages[pi].search(from);
      i = s >= 0 ? s : -s - 1;
    }
    int startPage = pi;
    int startIndex = i;
    return new Iterator<>() {
      int page = startPage;
      int index = startIndex;
      boolean ready;
      boolean done = pageCount == 0;

      @Override
      public boolean hasNext() {
        if (done) {
          return false;
        }
        if (ready) {
          return true;
        }
        while (page < pageCount && index >= pages[page].count) {
          page++;
          index = 0;
        }
        if (page >= pageCount || (to != null && pages[page].compareWithKey(index, to) > 0)) {
          done = true;
          return false;
        }
        ready = true;
        return true;
      }

      @Override
      public byte[][] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ready = false;
        Page p = pages[page];
        byte[][] kv = {p.key(index), p.value(index)};
        index++;
        return kv;
      }
    };
  }

  /** Bytes held by the arrays of this map (for tests and sizing). */
  long retainedBytesEstimate() {
    long b = 16L + 4L * pages.length;
    for (int i = 0; i < pageCount; i++) {
      b += 32 + 16 + pages[i].data.length + 16 + 4L * pages[i].offs.length;
    }
    return b;
  }

  private void insertPage(int at, Page p) {
    if (pageCount == pages.length) {
      pages = Arrays.copyOf(pages, pages.length * 2);
    }
    System.arraycopy(pages, at, pages, at + 1, pageCount - at);
    pages[at] = p;
    pageCount++;
  }

  /** The last page whose first key is {@code <= key}, or the first page. */
  private int pageFor(byte[] key) {
    int lo = 1;
    int hi = pageCount - 1;
    int found = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (pages[mid].compareWithKey(0, key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  static int entrySize(int keyLen, int valueLen) {
    return varintSize(keyLen) + varintSize(valueLen) + keyLen + valueLen;
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * Up to {@link #MAX_ENTRIES} entries: {@code data} holds {@code varint keyLen, varint valueLen,
   * key, value} records in arrival order, {@code offs} their offsets in key order.
   */
  private static final class Page {
    byte[] data;
    int used;
    int garbage;
    int[] offs;
    int count;

    Page(int capacity) {
      data = new byte[Math.max(16, capacity)];
      offs = new int[8];
    }

    /** Index of the key, or {@code -(insertion point) - 1}. */
    int search(byte[] key) {
      int lo = 0;
      int hi = count - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = compareWithKey(mid, key);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -(lo + 1);
    }

    /** Compares entry {@code i}'s key with {@code key}. */
    int compareWithKey(int i, byte[] key) {
      int off = offs[i];
      int keyLen = data[off];
      if (keyLen >= 0 && data[off + 1] >= 0) {
        return Arrays.compareUnsigned(data, off + 2, off + 2 + keyLen, key, 0, key.length);
      }
      int[] h = header(off);
      int keyStart = h[2];
      return Arrays.compareUnsigned(data, keyStart, keyStart + h[0], key, 0, key.length);
    }

    byte[] key(int i) {
      int[] h = header(offs[i]);
      return Arrays.copyOfRange(data, h[2], h[2] + h[0]);
    }

    byte[] value(int i) {
      int off = offs[i];
      int keyLen = data[off];
      int valueLen = data[off + 1];
      if (keyLen >= 0 && valueLen >= 0) {
        return Arrays.copyOfRange(data, off + 2 + keyLen, off + 2 + keyLen + valueLen);
      }
      int[] h = header(off);
      int valueStart = h[2] + h[0];
      return Arrays.copyOfRange(data, valueStart, valueStart + h[1]);
    }

    /** {keyLen, valueLen, keyStart} of the entry at {@code off}. */
    private int[] header(int off) {
      // Lengths are almost always below 128: one byte each.
      int keyLen = data[off];
      int pos = off + 1;
      if (keyLen < 0) {
        keyLen &= 0x7F;
        int shift = 7;
        int b;
        do {
          b = data[pos++];
          keyLen |= (b & 0x7F) << shift;
          shift += 7;
        } while (b < 0);
      }
      int valueLen = data[pos++];
      if (valueLen < 0) {
        valueLen &= 0x7F;
        int shift = 7;
        int b;
        do {
          b = data[pos++];
          valueLen |= (b & 0x7F) << shift;
          shift += 7;
        } while (b < 0);
      }
      return new int[] {keyLen, valueLen, pos};
    }

    private int entrySizeAt(int off) {
      int[] h = header(off);
      return h[2] - off + h[0] + h[1];
    }

    void replace(int i, byte[] key, byte[] value) {
      int off = offs[i];
      int[] h = header(off);
      if (h[1] == value.length) {
        System.arraycopy(value, 0, data, h[2] + h[0], value.length);
        return;
      }
      garbage += h[2] - off + h[0] + h[1];
      offs[i] = -1; // garbage now: compaction inside append must not copy it
      offs[i] = append(key, value, i);
    }

    void insert(int at, byte[] key, byte[] value) {
      if (count == offs.length) {
        offs = Arrays.copyOf(offs, Math.min(MAX_ENTRIES + 1, offs.length + Math.max(4, offs.length / 4)));
      }
      System.arraycopy(offs, at, offs, at + 1, count - at);
      count++;
      offs[at] = -1; // not an entry yet: compaction inside append skips it
      offs[at] = append(key, value, at);
    }

    void delete(int i) {
      garbage += entrySizeAt(offs[i]);
      System.arraycopy(offs, i + 1, offs, i, count - i - 1);
      count--;
      if (garbage > used / 2) {
        compact(0);
      }
    }

    /** Appends an entry (which will sit at sorted index {@code index}) and returns its offset. */
    private int append(byte[] key, byte[] value, int index) {
      int need = entrySize(key.length, value.length);
      if (used + need > data.length) {
        compact(need);
      }
      int off = used;
      int pos = writeVarint(off, key.length);
      pos = writeVarint(pos, value.length);
      System.arraycopy(key, 0, data, pos, key.length);
      System.arraycopy(value, 0, data, pos + key.length, value.length);
      used = pos + key.length + value.length;
      return off;
    }

    private int writeVarint(int pos, int v) {
      while ((v & ~0x7F) != 0) {
        data[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      data[pos++] = (byte) v;
      return pos;
    }

    /**
     * Rewrites live entries in key order into a new array with room for {@code extra} more bytes
     * (plus an eighth of slack when growing: slack is heap on every page); entries whose offset is -1 are skipped.
     */
    void compact(int extra) {
      int live = used - garbage;
      int capacity = extra == 0 ? live : live + extra + (live + extra) / 8;
      byte[] next = new byte[Math.max(16, capacity)];
      int pos = 0;
      for (int i = 0; i < count; i++) {
        int off = offs[i];
        if (off < 0) {
          continue;
        }
        int n = entrySizeAt(off);
        System.arraycopy(data, off, next, pos, n);
        offs[i] = pos;
        pos += n;
      }
      data = next;
      used = pos;
      garbage = 0;
      if (extra == 0 && offs.length > count) {
        offs = Arrays.copyOf(offs, Math.max(1, count));
      }
    }

    /** Moves the upper half of the entries to a new page and returns it. */
    Page splitUpperHalf() {
      int keep = count / 2;
      int moved = count - keep;
      int bytes = 0;
      for (int i = keep; i < count; i++) {
        bytes += entrySizeAt(offs[i]);
      }
      Page upper = new Page(bytes + bytes / 8);
      upper.offs = new int[Math.max(8, moved + moved / 8)];
      for (int i = keep; i < count; i++) {
        int off = offs[i];
        int n = entrySizeAt(off);
        System.arraycopy(data, off, upper.data, upper.used, n);
        upper.offs[upper.count++] = upper.used;
        upper.used += n;
      }
      count = keep;
      garbage = used - liveBytes();
      compact(0);
      data = Arrays.copyOf(data, data.length + data.length / 8);
      offs = Arrays.copyOf(offs, Math.max(8, keep + keep / 8));
      return upper;
    }

    private int liveBytes() {
      int b = 0;
      for (int i = 0; i < count; i++) {
        b += entrySizeAt(offs[i]);
      }
      return b;
    }
  }
}
