package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.internal.EntryTree.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The store's hash index against a {@code HashMap} over random adds and removes. */
class ByteKeyIndexTest {

  @Test
  void shouldFindExactlyWhatWasAddedAndNotRemovedThroughGrowthAndChurn() {
    Random random = new Random(31);
    ByteKeyIndex<Integer> index = new ByteKeyIndex<>();
    Map<String, Node<byte[], Integer>> model = new HashMap<>();
    // A key space a few times the live set: lookups miss as often as they hit, and the removals
    // shift entries back through long runs while the table grows from 16 slots to 8,192.
    for (int step = 0; step < 200_000; step++) {
      String key = "s-" + random.nextInt(12_000) + "|c-" + random.nextInt(3);
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      Node<byte[], Integer> found = index.find(bytes, ByteKeyIndex.hash(bytes));
      assertThat(found).as("step %d, %s", step, key).isSameAs(model.get(key));
      if (found == null && (step < 100_000 || random.nextBoolean())) {
        Node<byte[], Integer> n = new Node<>(bytes, step);
        index.add(n);
        model.put(key, n);
      } else if (found != null && random.nextInt(3) == 0) {
        index.remove(found);
        model.remove(key);
      }
      assertThat(index.size()).isEqualTo(model.size());
    }
    for (Map.Entry<String, Node<byte[], Integer>> e : model.entrySet()) {
      byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
      assertThat(index.find(bytes, ByteKeyIndex.hash(bytes))).isSameAs(e.getValue());
    }
  }

  @Test
  void shouldRebuildFromAListAndIgnoreTheRemovalOfANodeItDoesNotHold() {
    ByteKeyIndex<Integer> index = new ByteKeyIndex<>();
    List<Node<byte[], Integer>> nodes = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      nodes.add(new Node<>(("k" + i).getBytes(StandardCharsets.UTF_8), i));
    }
    index.rebuild(nodes);
    byte[] k7 = "k7".getBytes(StandardCharsets.UTF_8);
    // same key bytes, another node: not the one the index holds
    index.remove(new Node<>(k7, -1));
    assertThat(index.size()).isEqualTo(1_000);
    for (Node<byte[], Integer> n : nodes) {
      assertThat(index.find(n.key, ByteKeyIndex.hash(n.key))).isSameAs(n);
    }
  }
}
