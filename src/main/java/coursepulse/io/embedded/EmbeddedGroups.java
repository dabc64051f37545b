package coursepulse.io.embedded;

import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.PartitionListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups of an {@link EmbeddedStreamLog}, with the rule RabbitMQ applies to single active
 * consumers on a super stream: the members of a group (per group name and stream) are kept in join
 * order and partition {@code k} belongs to member {@code k % members}. When membership changes,
 * every partition whose holder changes is revoked from the old holder (the next step waits for
 * that call to return) and then assigned to the new one; a member that left gets no more calls.
 *
 * <p>All listener calls of a log run one after another on one thread of their own, never on the
 * caller's thread and never under a lock, so a listener may call back into the log (even join or
 * leave).
 */
final class EmbeddedGroups implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedGroups.class);

  private record Key(String group, String stream) {}

  private static final class Group {
    final List<Member> members = new ArrayList<>();
    final Member[] holders;

    Group(int partitions) {
      holders = new Member[partitions];
    }
  }

  private final Object lock = new Object();
  private final Map<Key, Group> groups = new HashMap<>();
  private final ExecutorService callbacks =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "coursepulse-embedded-groups");
            t.setDaemon(true);
            return t;
          });
  private volatile Thread callbackThread;
  private boolean closed;

  GroupMembership join(String group, String stream, int partitions, PartitionListener listener) {
    synchronized (lock) {
      if (closed) {
        throw new LogException("embedded log is closed");
      }
      Key key = new Key(group, stream);
      Group g = groups.get(key);
      if (g == null || g.holders.length != partitions) {
        // A partitioned stream deleted and made again with another count starts a new group.
        g = new Group(partitions);
        groups.put(key, g);
      }
      Member member = new Member(key, listener);
      g.members.add(member);
      rebalance(g);
      return member;
    }
  }

  private void leave(Member member) {
    synchronized (lock) {
      if (member.left) {
        return;
      }
      member.left = true;
      Group g = groups.get(member.key);
      if (g == null || !g.members.remove(member)) {
        return;
      }
      if (g.members.isEmpty()) {
        groups.remove(member.key);
      }
      rebalance(g);
    }
  }

  /** Under {@link #lock}: moves every partition whose holder changes, in partition order. */
  private void rebalance(Group g) {
    int size = g.members.size();
    for (int k = 0; k < g.holders.length; k++) {
      Member before = g.holders[k];
      Member after = size == 0 ? null : g.members.get(k % size);
      if (before == after) {
        continue;
      }
      g.holders[k] = after;
      int partition = k;
      submit(
          () -> {
            if (before != null) {
              before.call(false, partition);
            }
            if (after != null) {
              after.call(true, partition);
            }
          });
    }
  }

  private void submit(Runnable task) {
    if (closed) {
      return;
    }
    try {
      callbacks.execute(
          () -> {
            callbackThread = Thread.currentThread();
            task.run();
          });
    } catch (RejectedExecutionException e) {
      // closing: members get no more calls
    }
  }

  /** Ends every membership (without calls) and stops the listener thread. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Group g : groups.values()) {
        for (Member m : g.members) {
          m.left = true;
        }
      }
      groups.clear();
    }
    callbacks.shutdown();
    if (Thread.currentThread() != callbackThread) {
      try {
        if (!callbacks.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("embedded log: a partition listener still runs 10 s after close");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final class Member implements GroupMembership {
    final Key key;
    final PartitionListener listener;
    volatile boolean left;

    Member(Key key, PartitionListener listener) {
      this.key = key;
      this.listener = listener;
    }

    /** On the listener thread. */
    void call(boolean assigned, int partition) {
      if (left) {
        return;
      }
      try {
        if (assigned) {
          listener.assigned(partition);
        } else {
          listener.revoked(partition);
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "Group '{}': the partition listener failed on {} of partition {} of '{}': {}",
            key.group(), assigned ? "assignment" : "revocation", partition, key.stream(),
            e.getClass().getName());
        LOG.debug("Partition listener failure", e);
      }
    }

    @Override
    public String group() {
      return key.group();
    }

    @Override
    public void close() {
      leave(this);
    }

    @Override
    public String toString() {
      return "EmbeddedGroupMembership{group=" + key.group() + ", stream=" + key.stream() + "}";
    }
  }
}
