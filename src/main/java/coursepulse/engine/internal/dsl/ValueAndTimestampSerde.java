package coursepulse.engine.internal.dsl;

import coursepulse.engine.Serde;
import coursepulse.engine.ValueAndTimestamp;
import java.nio.ByteBuffer;

/** Serializes a {@link ValueAndTimestamp} as 8 bytes of timestamp followed by the value. */
final class ValueAndTimestampSerde<V> implements Serde<ValueAndTimestamp<V>> {

  private final Serde<V> valueSerde;

  private ValueAndTimestampSerde(Serde<V> valueSerde) {
    this.valueSerde = valueSerde;
  }

  /** The wrapping serde, or {@code null} when {@code valueSerde} is. */
  static <V> Serde<ValueAndTimestamp<V>> wrap(Serde<V> valueSerde) {
    return valueSerde == null ? null : new ValueAndTimestampSerde<>(valueSerde);
  }

  @Override
  public byte[] serialize(ValueAndTimestamp<V> value) {
    if (value == null) {
      return null;
    }
    byte[] raw = valueSerde.serialize(value.value());
    return ByteBuffer.allocate(8 + raw.length).putLong(value.timestamp()).put(raw).array();
  }

  @Override
  public ValueAndTimestamp<V> deserialize(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < 8) {
      throw new IllegalArgumentException("value-and-timestamp needs at least 8 bytes, got " + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long timestamp = buffer.getLong();
    byte[] raw = new byte[bytes.length - 8];
    buffer.get(raw);
    return ValueAndTimestamp.make(valueSerde.deserialize(raw), timestamp);
  }
}
