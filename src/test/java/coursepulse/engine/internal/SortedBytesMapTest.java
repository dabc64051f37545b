package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedBytesMapTest {

  @Test
  void shouldBehaveLikeASortedMapUnderRandomPutsRemovesAndRanges() {
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      SortedBytesMap map = new SortedBytesMap();
      NavigableMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
      int keySpace = seed == 1 ? 50 : 3_000;
      for (int op = 0; op < 40_000; op++) {
        byte[] key = key(r, keySpace);
        int what = r.nextInt(10);
        if (what < 6) {
          byte[] value = value(r);
          map.put(key, value);
          expected.put(key, value);
        } else if (what < 9) {
          byte[] old = map.remove(key);
          byte[] want = expected.remove(key);
          assertThat(old).isEqualTo(want);
        } else {
          assertThat(map.get(key)).isEqualTo(expected.get(key));
        }
        assertThat(map.size()).isEqualTo(expected.size());
        if (op % 997 == 0) {
          byte[] a = key(r, keySpace);
          byte[] b = key(r, keySpace);
          byte[] lo = Arrays.compareUnsigned(a, b) <= 0 ? a : b;
          byte[] hi = lo == a ? b : a;
          assertThat(entries(map.range(lo, hi))).isEqualTo(entries(expected.subMap(lo, true, hi, true)));
          assertThat(entries(map.range(null, hi))).isEqualTo(entries(expected.headMap(hi, true)));
          assertThat(entries(map.range(lo, null))).isEqualTo(entries(expected.tailMap(lo, true)));
        }
      }
      assertThat(entries(map.range(null, null))).isEqualTo(entries(expected));
      for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
        assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void shouldRestoreFromSortedEntriesAndKeepWorking() {
    Random r = new Random(7);
    NavigableMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 5_000; i++) {
      expected.put(key(r, 1_000_000), value(r));
    }
    SortedBytesMap map = new SortedBytesMap();
    for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
      map.appendSorted(e.getKey(), e.getValue());
    }
    map.trim();
    assertThat(entries(map.range(null, null))).isEqualTo(entries(expected));
    for (int i = 0; i < 5_000; i++) {
      byte[] k = key(r, 1_000_000);
      byte[] v = value(r);
      map.put(k, v);
      expected.put(k, v);
    }
    assertThat(entries(map.range(null, null))).isEqualTo(entries(expected));
  }

  @Test
  void shouldHandleLongKeysAndValuesWithMultiByteLengths() {
    SortedBytesMap map = new SortedBytesMap();
    byte[] k = new byte[300];
    Arrays.fill(k, (byte) 0xF0);
    byte[] v = new byte[70_000];
    v[69_999] = 9;
    map.put(k, v);
    map.put(new byte[] {1}, new byte[] {2});
    assertThat(map.get(k)).isEqualTo(v);
    assertThat(entries(map.range(new byte[] {(byte) 0x80}, null))).hasSize(1);
    map.put(k, new byte[] {3});
    assertThat(map.get(k)).containsExactly(3);
  }

  private static byte[] key(Random r, int space) {
    int n = r.nextInt(space);
    // variable lengths and unsigned bytes, so order is not numeric order
    String s = Integer.toString(n, 7 + n % 20);
    byte[] b = s.getBytes();
    if (n % 3 == 0) {
      b = Arrays.copyOf(b, b.length + 1);
      b[b.length - 1] = (byte) (0x80 + n % 100);
    }
    return b;
  }

  private static byte[] value(Random r) {
    byte[] v = new byte[r.nextInt(r.nextInt(10) == 0 ? 300 : 20)];
    r.nextBytes(v);
    return v;
  }

  private static List<String> entries(Iterator<byte[][]> it) {
    List<String> out = new ArrayList<>();
    while (it.hasNext()) {
      byte[][] e = it.next();
      out.add(Arrays.toString(e[0]) + "=" + Arrays.toString(e[1]));
    }
    return out;
  }

  private static List<String> entries(Map<byte[], byte[]> m) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : m.entrySet()) {
      out.add(Arrays.toString(e.getKey()) + "=" + Arrays.toString(e.getValue()));
    }
    return out;
  }
}
