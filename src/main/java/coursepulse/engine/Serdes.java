package coursepulse.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * Serdes for common types. Numbers are big-endian, so non-negative values sort by their bytes in
 * numeric order; strings are UTF-8. None of them accepts {@code null}: stores and sinks never
 * serialize a {@code null} value.
 */
public final class Serdes {

  private static final Serde<String> STRING =
      from(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
  private static final Serde<Long> LONG =
      from(
          v -> ByteBuffer.allocate(Long.BYTES).putLong(v).array(),
          b -> ByteBuffer.wrap(checkLength(b, Long.BYTES, "Long")).getLong());
  private static final Serde<Integer> INTEGER =
      from(
          v -> ByteBuffer.allocate(Integer.BYTES).putInt(v).array(),
          b -> ByteBuffer.wrap(checkLength(b, Integer.BYTES, "Integer")).getInt());
  private static final Serde<Double> DOUBLE =
      from(
          v -> ByteBuffer.allocate(Double.BYTES).putDouble(v).array(),
          b -> ByteBuffer.wrap(checkLength(b, Double.BYTES, "Double")).getDouble());
  private static final Serde<byte[]> BYTE_ARRAY = from(b -> b, b -> b);

  private Serdes() {}

  /** UTF-8 strings. */
  public static Serde<String> String() {
    return STRING;
  }

  /** 8-byte big-endian longs. */
  public static Serde<Long> Long() {
    return LONG;
  }

  /** 4-byte big-endian integers. */
  public static Serde<Integer> Integer() {
    return INTEGER;
  }

  /** 8-byte IEEE 754 doubles. */
  public static Serde<Double> Double() {
    return DOUBLE;
  }

  /** Bytes as they are; the array is not copied. */
  public static Serde<byte[]> ByteArray() {
    return BYTE_ARRAY;
  }

  /**
   * A serde from two functions.
   *
   * @param serializer value to bytes; must be deterministic
   * @param deserializer bytes to value; throws on invalid bytes
   */
  public static <T> Serde<T> from(
      Function<? super T, byte[]> serializer, Function<byte[], ? extends T> deserializer) {
    Objects.requireNonNull(serializer, "serializer");
    Objects.requireNonNull(deserializer, "deserializer");
    return new Serde<T>() {
      @Override
      public byte[] serialize(T value) {
        return serializer.apply(Objects.requireNonNull(value, "value"));
      }

      @Override
      public T deserialize(byte[] bytes) {
        return deserializer.apply(Objects.requireNonNull(bytes, "bytes"));
      }
    };
  }

  private static byte[] checkLength(byte[] bytes, int expected, String type) {
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          type + " needs " + expected + " bytes, got " + bytes.length);
    }
    return bytes;
  }
}
