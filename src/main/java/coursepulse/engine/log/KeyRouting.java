package coursepulse.engine.log;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Routes a record key to a partition exactly as RabbitMQ's stream clients route a super-stream
 * message by routing key: 32-bit MurmurHash3 (x86 variant) of the key's UTF-8 bytes with seed
 * {@value #SEED}, taken modulo the partition count as an unsigned number. Every log uses it, so a
 * key lands in the same partition on every implementation and with every client's default
 * super-stream producer.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeyRouting {

  /** The seed of the stream clients' default hash routing. */
  public static final int SEED = 104729;

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private KeyRouting() {}

  /**
   * The partition of {@code key} among {@code partitionCount} partitions.
   *
   * @throws IllegalArgumentException when {@code partitionCount} is less than 1
   * @throws NullPointerException when {@code key} is null
   */
  public static int partition(String key, int partitionCount) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1, was " + partitionCount);
    }
    return Integer.remainderUnsigned(hash(key), partitionCount);
  }

  /** The 32-bit MurmurHash3 of the key's UTF-8 bytes with seed {@value #SEED}. */
  public static int hash(String key) {
    byte[] data = Objects.requireNonNull(key, "key").getBytes(StandardCharsets.UTF_8);
    int h = SEED;
    int blocks = data.length >> 2;
    for (int i = 0; i < blocks; i++) {
      int at = i << 2;
      int k =
          (data[at] & 0xff)
              | (data[at + 1] & 0xff) << 8
              | (data[at + 2] & 0xff) << 16
              | (data[at + 3] & 0xff) << 24;
      h ^= mixKey(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int tail = blocks << 2;
    int k = 0;
    switch (data.length - tail) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= data[tail] & 0xff;
        h ^= mixKey(k);
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixKey(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }
}
