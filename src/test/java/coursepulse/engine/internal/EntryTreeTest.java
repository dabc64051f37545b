package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.internal.EntryTree.Node;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The heap stores' red-black tree, against {@link TreeMap} under random operations. */
class EntryTreeTest {

  private static List<Integer> keys(Iterator<Node<Integer, String>> it) {
    List<Integer> keys = new ArrayList<>();
    it.forEachRemaining(n -> keys.add(n.key));
    return keys;
  }

  @Test
  void shouldKeepTheRedBlackRulesAndTheNodesUnderRandomInsertsAndRemoves() {
    EntryTree<Integer, String> tree = new EntryTree<>(Comparator.naturalOrder());
    TreeMap<Integer, String> reference = new TreeMap<>();
    Map<Integer, Node<Integer, String>> nodes = new HashMap<>();
    Random random = new Random(11);
    for (int i = 0; i < 30_000; i++) {
      int key = random.nextInt(2_000);
      Node<Integer, String> n = tree.find(key);
      assertThat(n).isSameAs(nodes.get(key));
      if (n == null) {
        n = new Node<>(key, "v" + i);
        tree.insert(n);
        nodes.put(key, n);
        reference.put(key, n.value);
      } else if (random.nextBoolean()) {
        tree.remove(n);
        nodes.remove(key);
        reference.remove(key);
      }
      if (i % 500 == 0) {
        tree.checkInvariants();
        assertThat(keys(tree.iterate(tree.first(), null)))
            .isEqualTo(List.copyOf(reference.keySet()));
        int from = random.nextInt(2_100);
        int to = from + random.nextInt(300);
        assertThat(keys(tree.iterate(tree.ceiling(from), to)))
            .isEqualTo(List.copyOf(reference.subMap(from, true, to, true).keySet()));
      }
    }
    tree.checkInvariants();
    assertThat(tree.size()).isEqualTo(reference.size());
    // Removal relinks nodes: every remaining key still has the node it was inserted with.
    nodes.forEach((k, n) -> assertThat(tree.find(k)).isSameAs(n));
    for (Integer k : List.copyOf(nodes.keySet())) {
      tree.remove(nodes.get(k));
    }
    tree.checkInvariants();
    assertThat(tree.first()).isNull();
  }

  @Test
  void shouldBuildABalancedTreeFromSortedNodesOfAnySize() {
    for (int size = 0; size < 130; size++) {
      EntryTree<Integer, String> tree = new EntryTree<>(Comparator.naturalOrder());
      List<Node<Integer, String>> sorted = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        sorted.add(new Node<>(i * 2, "v"));
      }
      tree.buildFromSorted(sorted);
      tree.checkInvariants();
      assertThat(tree.size()).isEqualTo(size);
      assertThat(keys(tree.iterate(tree.first(), null))).hasSize(size);
      tree.insert(new Node<>(size * 2 + 1, "after")); // and stays a valid tree when changed
      tree.remove(tree.find(size * 2 + 1));
      tree.checkInvariants();
    }
  }

  @Test
  void shouldNotFindANodeOnceItLeftTheTree() {
    EntryTree<Integer, String> tree = new EntryTree<>(Comparator.naturalOrder());
    Node<Integer, String> one = new Node<>(1, "a");
    tree.insert(one);
    assertThat(tree.find(1)).isSameAs(one);
    tree.remove(one);
    assertThat(tree.find(1)).isNull();
    tree.insert(one);
    assertThat(tree.find(1)).isSameAs(one);
    Node<Integer, String> restored = new Node<>(1, "b");
    tree.buildFromSorted(List.of(restored));
    assertThat(tree.find(1)).isSameAs(restored);
    tree.clear();
    assertThat(tree.find(1)).isNull();
  }

  @Test
  void shouldRefuseNodesOutOfOrder() {
    EntryTree<Integer, String> tree = new EntryTree<>(Comparator.naturalOrder());
    assertThatThrownBy(() -> tree.buildFromSorted(List.of(new Node<>(2, "a"), new Node<>(1, "b"))))
        .isInstanceOf(IllegalArgumentException.class);
    tree.insert(new Node<>(1, "a"));
    assertThatThrownBy(() -> tree.insert(new Node<>(1, "b")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldFailAnIterationWhenTheTreeChangedMeanwhile() {
    EntryTree<Integer, String> tree = new EntryTree<>(Comparator.naturalOrder());
    for (int i = 0; i < 10; i++) {
      tree.insert(new Node<>(i, "v"));
    }
    Iterator<Node<Integer, String>> it = tree.iterate(tree.first(), null);
    it.next();
    tree.remove(tree.find(5));
    assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
  }
}
