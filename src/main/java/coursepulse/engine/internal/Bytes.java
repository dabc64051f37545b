package coursepulse.engine.internal;

import java.util.Arrays;

/**
 * A byte array usable as a hash or sort key: equality and hash by content (hash cached), order by
 * unsigned lexicographic comparison, which is the "serialized key order" stores promise.
 */
public final class Bytes implements Comparable<Bytes> {

  private final byte[] bytes;
  private final int hash;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** Wraps without copying: the caller must not modify the array afterwards. */
  public static Bytes wrap(byte[] bytes) {
    return new Bytes(bytes);
  }

  /** The wrapped array, not copied. */
  public byte[] get() {
    return bytes;
  }

  @Override
  public int compareTo(Bytes o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && hash == b.hash && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
