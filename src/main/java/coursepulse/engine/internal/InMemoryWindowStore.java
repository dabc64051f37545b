package coursepulse.engine.internal;

import coursepulse.engine.KeyValue;
import coursepulse.engine.Serde;
import coursepulse.engine.Window;
import coursepulse.engine.WindowStore;
import coursepulse.engine.Windowed;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A window store segmented by window start: one hash map of serialized key to serialized value per
 * window start, in a tree ordered by start. Expiry drops whole segments (a head-map clear) as the
 * task's stream time passes {@code windowStart + retention}; a fetch of one key over a time range
 * costs one hash lookup per live window start in the range. Iteration over several keys sorts them
 * on demand.
 *
 * <p>Incremental: puts record their new bytes per (window start, key) in a change map handed over
 * whole at a checkpoint; the change key is the window start (sign bit flipped, big-endian, so
 * unsigned order is numeric order) followed by the key, and {@code dropBelow} is the first live
 * start, so merging a chain drops expired windows as this store does.
 */
public final class InMemoryWindowStore<K, V> implements WindowStore<K, V>, CheckpointableStore {

  private final String name;
  private final long retentionMs;
  private final long windowSizeMs;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final TreeMap<Long, HashMap<Bytes, byte[]>> segments = new TreeMap<>();
  private long observedStreamTime = Long.MIN_VALUE;
  private long entries;
  private HashMap<Bytes, byte[]> changed = new HashMap<>();

  public InMemoryWindowStore(
      String name, long retentionMs, long windowSizeMs, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.retentionMs = retentionMs;
    this.windowSizeMs = windowSizeMs;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long approximateNumEntries() {
    return entries;
  }

  @Override
  public long windowSizeMs() {
    return windowSizeMs;
  }

  @Override
  public long retentionMs() {
    return retentionMs;
  }

  @Override
  public void put(K key, V value, long windowStartMs) {
    Bytes k = keyBytes(key);
    if (expired(windowStartMs)) {
      return;
    }
    if (value == null) {
      HashMap<Bytes, byte[]> seg = segments.get(windowStartMs);
      if (seg != null && seg.remove(k) != null) {
        changed.put(changeKey(windowStartMs, k.get()), null);
        entries--;
        if (seg.isEmpty()) {
          segments.remove(windowStartMs);
        }
      }
      return;
    }
    HashMap<Bytes, byte[]> seg = segments.get(windowStartMs);
    if (seg == null) {
      // Consecutive windows usually hold about as many keys: size the new one like the newest
      // existing one, instead of growing it through a dozen rehashes.
      Map.Entry<Long, HashMap<Bytes, byte[]>> newest = segments.lastEntry();
      int expected = newest == null ? 16 : newest.getValue().size();
      seg = new HashMap<>(Math.max(16, (int) (expected / 0.75f) + 1));
      segments.put(windowStartMs, seg);
    }
    byte[] v = valueSerde.serialize(value);
    if (seg.put(k, v) == null) {
      entries++;
    }
    changed.put(changeKey(windowStartMs, k.get()), StoreChanges.owned(value, v));
  }

  @Override
  public V fetch(K key, long windowStartMs) {
    Bytes k = keyBytes(key);
    if (expired(windowStartMs)) {
      return null;
    }
    HashMap<Bytes, byte[]> seg = segments.get(windowStartMs);
    byte[] v = seg == null ? null : seg.get(k);
    return v == null ? null : valueSerde.deserialize(v);
  }

  @Override
  public Iterator<KeyValue<Windowed<K>, V>> fetch(K key, long timeFromMs, long timeToMs) {
    Bytes k = keyBytes(key);
    List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
    for (Map.Entry<Long, HashMap<Bytes, byte[]>> seg : live(timeFromMs, timeToMs).entrySet()) {
      byte[] v = seg.getValue().get(k);
      if (v != null) {
        out.add(KeyValue.pair(windowed(key, seg.getKey()), valueSerde.deserialize(v)));
      }
    }
    return out.iterator();
  }

  @Override
  public Iterator<KeyValue<Windowed<K>, V>> fetchAll(long timeFromMs, long timeToMs) {
    return iterate(live(timeFromMs, timeToMs));
  }

  @Override
  public Iterator<KeyValue<Windowed<K>, V>> all() {
    return iterate(live(Long.MIN_VALUE, Long.MAX_VALUE));
  }

  @Override
  public void observeStreamTime(long streamTimeMs) {
    if (streamTimeMs <= observedStreamTime) {
      return;
    }
    observedStreamTime = streamTimeMs;
    // Drop whole segments whose start is at or before streamTime - retention.
    while (!segments.isEmpty() && expired(segments.firstKey())) {
      entries -= segments.pollFirstEntry().getValue().size();
    }
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(observedStreamTime);
    out.writeInt(segments.size());
    for (Map.Entry<Long, HashMap<Bytes, byte[]>> seg : segments.entrySet()) {
      out.writeLong(seg.getKey());
      List<Bytes> keys = new ArrayList<>(seg.getValue().keySet());
      keys.sort(null);
      out.writeInt(keys.size());
      for (Bytes k : keys) {
        InMemoryKeyValueStore.writeBytes(out, k.get());
        InMemoryKeyValueStore.writeBytes(out, seg.getValue().get(k));
      }
    }
  }

  @Override
  public StoreChanges takeChanges() {
    StoreChanges taken = StoreChanges.of(header(), dropBelow(), changed);
    changed = new HashMap<>();
    return taken;
  }

  @Override
  public void markAllChanged() {
    for (Map.Entry<Long, HashMap<Bytes, byte[]>> seg : segments.entrySet()) {
      for (Map.Entry<Bytes, byte[]> e : seg.getValue().entrySet()) {
        changed.put(changeKey(seg.getKey(), e.getKey().get()), e.getValue());
      }
    }
  }

  @Override
  public void restoreChanges(byte[] header, Iterator<byte[][]> changes) throws IOException {
    segments.clear();
    entries = 0;
    changed = new HashMap<>();
    observedStreamTime = header.length == 8 ? ByteBuffer.wrap(header).getLong() : Long.MIN_VALUE;
    while (changes.hasNext()) {
      byte[][] e = changes.next();
      if (e[0].length < 8) {
        throw new IOException("window store change key of " + e[0].length + " bytes");
      }
      long start = ByteBuffer.wrap(e[0]).getLong() ^ Long.MIN_VALUE;
      Bytes k = Bytes.wrap(Arrays.copyOfRange(e[0], 8, e[0].length));
      if (segments.computeIfAbsent(start, s -> new HashMap<>()).put(k, e[1]) == null) {
        entries++;
      }
    }
  }

  private byte[] header() {
    return ByteBuffer.allocate(8).putLong(observedStreamTime).array();
  }

  /** The change key of the first live window start, or null while nothing expires. */
  private byte[] dropBelow() {
    if (observedStreamTime == Long.MIN_VALUE || observedStreamTime - retentionMs + 1 <= Long.MIN_VALUE + 1) {
      return null;
    }
    return changeKey(observedStreamTime - retentionMs + 1, new byte[0]).get();
  }

  private static Bytes changeKey(long windowStartMs, byte[] key) {
    return Bytes.wrap(
        ByteBuffer.allocate(8 + key.length).putLong(windowStartMs ^ Long.MIN_VALUE).put(key).array());
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    changed = new HashMap<>();
    segments.clear();
    entries = 0;
    observedStreamTime = in.readLong();
    int nSegments = in.readInt();
    for (int s = 0; s < nSegments; s++) {
      long start = in.readLong();
      int n = in.readInt();
      HashMap<Bytes, byte[]> seg = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
      for (int i = 0; i < n; i++) {
        Bytes k = Bytes.wrap(InMemoryKeyValueStore.readBytes(in));
        seg.put(k, InMemoryKeyValueStore.readBytes(in));
      }
      segments.put(start, seg);
      entries += n;
    }
  }

  private boolean expired(long windowStartMs) {
    return observedStreamTime != Long.MIN_VALUE
        && windowStartMs <= observedStreamTime - retentionMs;
  }

  private NavigableMap<Long, HashMap<Bytes, byte[]>> live(long fromMs, long toMs) {
    long from = fromMs;
    if (observedStreamTime != Long.MIN_VALUE) {
      from = Math.max(from, observedStreamTime - retentionMs + 1);
    }
    if (from > toMs) {
      return new TreeMap<>();
    }
    return segments.subMap(from, true, toMs, true);
  }

  private Iterator<KeyValue<Windowed<K>, V>> iterate(
      NavigableMap<Long, HashMap<Bytes, byte[]>> range) {
    List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
    for (Map.Entry<Long, HashMap<Bytes, byte[]>> seg : range.entrySet()) {
      List<Map.Entry<Bytes, byte[]>> sorted = new ArrayList<>(seg.getValue().entrySet());
      sorted.sort(Map.Entry.comparingByKey());
      for (Map.Entry<Bytes, byte[]> e : sorted) {
        out.add(
            KeyValue.pair(
                windowed(keySerde.deserialize(e.getKey().get()), seg.getKey()),
                valueSerde.deserialize(e.getValue())));
      }
    }
    return out.iterator();
  }

  private Windowed<K> windowed(K key, long start) {
    long end = start > Long.MAX_VALUE - windowSizeMs ? Long.MAX_VALUE : start + windowSizeMs;
    return new Windowed<>(key, new Window(start, end));
  }

  private Bytes keyBytes(K key) {
    return Bytes.wrap(keySerde.serialize(Objects.requireNonNull(key, "key")));
  }
}
