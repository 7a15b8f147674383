package dev.trainset.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchOrderTest {
  private static List<Long> positions(long seed, long size) {
    BatchOrder order = new BatchOrder(seed, size, 1, List.of(new long[] {0, 0}));
    List<Long> positions = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      positions.add(order.position(i));
    }
    return positions;
  }

  @Test
  void everySplitSizeGetsAPermutationOfItsIndexes() {
    for (long size = 1; size <= 300; size++) {
      Set<Long> seen = new HashSet<>(positions(42, size));
      assertEquals(size, seen.size(), "size " + size);
      for (long position : seen) {
        assertEquals(true, position >= 0 && position < size, "size " + size);
      }
    }
  }

  @Test
  void theSeedDecidesTheOrderAndTheSameSeedGivesTheSameOrder() {
    assertEquals(positions(42, 1000), positions(42, 1000));
    assertNotEquals(positions(42, 1000), positions(43, 1000));
    // Shuffled: not the identity, nor close to it.
    List<Long> order = positions(42, 1000);
    long fixed = 0;
    for (int i = 0; i < order.size(); i++) {
      fixed += order.get(i) == i ? 1 : 0;
    }
    assertEquals(true, fixed < 10, "fixed points: " + fixed);
  }

  @Test
  void theSelectedCountIsTheSizeOfTheListedBatchesWithinTheSplit() {
    // 10 examples in batches of 4: batches 0 and 1 hold 4, batch 2 holds 2, batch 3 none.
    List<long[]> batches = List.of(new long[] {2, 3}, new long[] {0, 0}, new long[] {3, 7});
    BatchOrder order = new BatchOrder(7, 10, 4, batches);
    assertEquals(6, order.selectedCount());
    long counted = 0;
    for (long i = 0; i < 10; i++) {
      counted += order.selected(order.batch(i)) ? 1 : 0;
    }
    assertEquals(6, counted);
    assertEquals(false, order.selected(1));
    assertEquals(true, order.selected(5));
  }
}
