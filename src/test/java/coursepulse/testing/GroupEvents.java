package coursepulse.testing;

import coursepulse.engine.log.PartitionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Records what the members of a consumer group are told, in one order shared by all members, so
 * that tests can check who holds which partition and that a revocation returned before the next
 * holder's assignment. A member's {@code revoked} can be made to take time, like a checkpoint.
 */
public final class GroupEvents {

  /** One listener call: {@code assigned} when it started, a revocation when it returned. */
  public record Event(String member, boolean assigned, int partition, long nanos) {
    @Override
    public String toString() {
      return member + (assigned ? "+" : "-") + partition;
    }
  }

  private final List<Event> events = new ArrayList<>();

  /** A listener recording as {@code member}; its {@code revoked} takes {@code revokeWork}. */
  public PartitionListener listener(String member, Duration revokeWork) {
    return new PartitionListener() {
      @Override
      public void assigned(int partition) {
        add(new Event(member, true, partition, System.nanoTime()));
      }

      @Override
      public void revoked(int partition) {
        long until = System.nanoTime() + revokeWork.toNanos();
        while (System.nanoTime() < until) {
          Thread.onSpinWait(); // stands for stopping a task and writing its checkpoint
        }
        add(new Event(member, false, partition, System.nanoTime()));
      }
    };
  }

  /** A listener recording as {@code member} whose revocations return at once. */
  public PartitionListener listener(String member) {
    return listener(member, Duration.ZERO);
  }

  private synchronized void add(Event e) {
    events.add(e);
    notifyAll();
  }

  /** Every call so far, in order. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /**
   * Partition to holder, from the calls so far; members in {@code gone} (closed: they get no
   * revocation) hold nothing.
   */
  public synchronized Map<Integer, String> holders(String... gone) {
    Map<Integer, String> holders = new TreeMap<>();
    for (Event e : events) {
      if (e.assigned()) {
        holders.put(e.partition(), e.member());
      } else {
        holders.remove(e.partition(), e.member());
      }
    }
    holders.values().removeAll(List.of(gone));
    return holders;
  }

  /** Waits until {@code condition} holds, polling on every new call, at most {@code timeout}. */
  public synchronized void await(Predicate<GroupEvents> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("group did not reach the expected state in " + timeout + ": " + events);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits until the holders (ignoring {@code gone} members) equal {@code expected}. */
  public void awaitHolders(Map<Integer, String> expected, Duration timeout, String... gone)
      throws InterruptedException {
    await(g -> g.holders(gone).equals(expected), timeout);
  }

  /** Index of the first event matching, or -1. */
  public synchronized int indexOf(String member, boolean assigned, int partition) {
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (e.member().equals(member) && e.assigned() == assigned && e.partition() == partition) {
        return i;
      }
    }
    return -1;
  }
}
