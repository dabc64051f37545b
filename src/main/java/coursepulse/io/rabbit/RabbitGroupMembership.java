package coursepulse.io.rabbit;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.ConsumerUpdateListener;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.OffsetSpecification;
import com.rabbitmq.stream.Resource;
import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.PartitionListener;
import java.time.Duration;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group on a super stream: one single-active-consumer subscription per
 * partition (the client's super-stream consumer), used only as a lease. The broker spreads the
 * partitions over the group's consumers (partition {@code k} to consumer {@code k % n} in join
 * order) and, before it moves a partition, tells the active consumer it is no longer active and
 * waits for its answer: that answer is sent when {@link PartitionListener#revoked} returns, so the
 * next holder starts only after this one stopped.
 *
 * <p><b>Lease only.</b> Messages delivered to the subscriptions are dropped; the engine reads the
 * partitions with its own readers. One credit per partition, never renewed (no message is marked
 * processed), offset {@code next}, no offset tracking: the lease costs at most one chunk of memory
 * per held partition.
 *
 * <p><b>Death of a member.</b> When a member's connection dies (its JVM is killed, the host
 * disappears), the broker removes its consumers from the group as soon as it notices the closed
 * connection and activates the next consumer at once, without a "revoked" step: there is nobody
 * left to ask. A killed process on a live host closes its TCP connections at once (the kernel
 * resets them), so the partition moves within milliseconds plus the survivor's listener (measured
 * on RabbitMQ 4.0.5, same machine: 18 ms from SIGKILL to the survivor's {@code assigned}, against
 * 15 ms for a member that closes cleanly); a vanished host or a cut network is noticed only
 * through the heartbeat ({@link RabbitSettings.Builder#heartbeat}, default 60 s), so the partition
 * can stay with the dead member for about two heartbeat intervals; the same holds for a member
 * whose process stands still (SIGSTOP), which must then not go on writing when it resumes: see
 * {@link #leaseTimeout}. A lower heartbeat shortens that at the cost of traffic.
 *
 * <p><b>Connection loss of this member.</b> When the connection of one of our subscriptions
 * drops, the broker has given the partition away already; the listener gets {@code revoked} for
 * it as soon as the client reports the subscription recovering, and {@code assigned} again if the
 * broker activates it after the client re-subscribed.
 *
 * <p><b>Re-joining.</b> The client does not always get a subscription back: when the node that
 * led the partition (and held the subscription's connection) is killed in a cluster, re-subscribing
 * races the election of the new leader, and the client may give up (the subscription closes) or
 * keep recovering without success; the broker then lists no group at all and nobody holds the
 * partition. So a subscription that closes on its own, or is still not back {@link
 * #RECOVERY_GRACE} after it started recovering, makes this member leave and join the group again
 * with a new super-stream consumer (retrying until it succeeds or the membership is closed); calls
 * from the old consumer are ignored from then on.
 *
 * <p>Listener calls are serialized per membership; a listener that throws is logged and the group
 * goes on (the client's thread must survive it).
 */
final class RabbitGroupMembership implements GroupMembership {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitGroupMembership.class);

  /**
   * How long a subscription may recover before the member joins again: the client re-subscribes
   * within a few seconds once a leader is elected (measured: about 5 s after a node's SIGKILL).
   */
  static final Duration RECOVERY_GRACE = Duration.ofSeconds(15);

  private static final Duration REJOIN_BACKOFF = Duration.ofSeconds(2);

  private final RabbitStreamLog log;
  private final String group;
  private final String stream;
  private final List<String> partitions;
  private final PartitionListener listener;
  private final Duration heartbeat;
  private final Environment environment;
  // Guards held, consumers and closed; held across listener calls so that they run one at a time.
  private final Object lock = new Object();
  private final BitSet held = new BitSet();
  // The partition each subscription (the super-stream consumer's per-partition consumer) is active
  // on, to revoke it when that subscription loses its connection.
  private final Map<Object, Integer> activeSubscriptions = new IdentityHashMap<>();
  // Subscriptions of the current consumer that are recovering, since when (System.nanoTime()).
  private final Map<Object, Long> recovering = new IdentityHashMap<>();
  private boolean closed;
  private Consumer consumer;
  // Which consumer's calls count: raised when the member joins again.
  private long generation;
  private boolean rejoining;

  private RabbitGroupMembership(
      RabbitStreamLog log,
      Environment environment,
      String group,
      String stream,
      List<String> partitions,
      PartitionListener listener,
      Duration heartbeat) {
    this.log = log;
    this.environment = environment;
    this.heartbeat = heartbeat;
    this.group = group;
    this.stream = stream;
    this.partitions = partitions;
    this.listener = listener;
  }

  static RabbitGroupMembership join(
      RabbitStreamLog log,
      Environment environment,
      String group,
      String stream,
      List<String> partitions,
      PartitionListener listener,
      Duration heartbeat) {
    RabbitGroupMembership membership =
        new RabbitGroupMembership(log, environment, group, stream, partitions, listener, heartbeat);
    Consumer consumer = membership.subscribe(0);
    synchronized (membership.lock) {
      membership.consumer = consumer;
    }
    return membership;
  }

  /** The super-stream consumer of generation {@code gen}: its calls count while that is current. */
  private Consumer subscribe(long gen) {
    return environment.consumerBuilder()
            .superStream(stream)
            .name(group)
            .singleActiveConsumer()
            .noTrackingStrategy()
            .offset(OffsetSpecification.next())
            .flow()
            .strategy(ConsumerFlowStrategy.creditWhenHalfMessagesProcessed(1))
            .builder()
            .messageHandler((context, message) -> {})
            .consumerUpdateListener(context -> update(gen, context))
            .listeners(context -> stateChanged(gen, context))
            .build();
  }

  @Override
  public String group() {
    return group;
  }

  /**
   * One heartbeat interval: the broker closes a connection it heard nothing from for about two
   * (measured in ZombieFencing4IT) and only then activates another member, so a member silent for
   * less than one interval still holds its partitions.
   */
  @Override
  public Optional<Duration> leaseTimeout() {
    return Optional.of(heartbeat);
  }

  /** The partitions this member holds now, for tests and diagnostics. */
  BitSet held() {
    synchronized (lock) {
      return (BitSet) held.clone();
    }
  }

  private OffsetSpecification update(long gen, ConsumerUpdateListener.Context context) {
    int partition = partitions.indexOf(context.stream());
    synchronized (lock) {
      if (closed || gen != generation) {
        return OffsetSpecification.next();
      }
      if (partition < 0) {
        LOG.warn(
            "Group '{}': the broker activated unknown partition '{}' of super stream '{}'",
            group, context.stream(), stream);
        return OffsetSpecification.next();
      }
      if (context.isActive()) {
        activeSubscriptions.put(context.consumer(), partition);
        if (!held.get(partition)) {
          held.set(partition);
          call(true, partition);
        }
      } else {
        activeSubscriptions.remove(context.consumer());
        if (held.get(partition)) {
          held.clear(partition);
          call(false, partition);
        }
      }
    }
    return OffsetSpecification.next();
  }

  private void stateChanged(long gen, Resource.Context context) {
    Resource.State state = context.currentState();
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      if (state == Resource.State.OPEN) {
        recovering.remove(context.resource());
        return;
      }
      if (state == Resource.State.RECOVERING) {
        recovering.putIfAbsent(context.resource(), System.nanoTime());
        scheduleCheck(gen);
      } else if (state == Resource.State.CLOSED) {
        // closed by the client, not by us (we close only after raising the generation)
        startRejoin(gen, "a subscription closed");
      } else {
        return;
      }
      Integer partition = activeSubscriptions.remove(context.resource());
      if (partition != null && held.get(partition)) {
        LOG.info(
            "Group '{}': lost the connection holding partition {} of '{}'; the broker hands it on",
            group, partition, stream);
        held.clear(partition);
        call(false, partition);
      }
    }
  }

  /** After the grace period: join again if a subscription of generation {@code gen} is still down. */
  private void scheduleCheck(long gen) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(RECOVERY_GRACE.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              synchronized (lock) {
                long now = System.nanoTime();
                boolean stuck =
                    recovering.values().stream()
                        .anyMatch(since -> now - since >= RECOVERY_GRACE.toNanos() - 1_000_000);
                if (stuck) {
                  startRejoin(gen, "a subscription did not recover in " + RECOVERY_GRACE.toSeconds() + " s");
                }
              }
            },
            "coursepulse-group-" + group + "-recovery-check");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Leaves the group with the consumer of generation {@code gen} and joins it again, on a thread of
   * its own (the client's threads call us). Called with the lock held.
   */
  private void startRejoin(long gen, String why) {
    if (closed || gen != generation || rejoining) {
      return;
    }
    rejoining = true;
    long next = ++generation;
    Consumer old = consumer;
    consumer = null;
    recovering.clear();
    activeSubscriptions.clear();
    LOG.warn("Group '{}' on '{}': {}; joining the group again", group, stream, why);
    for (int partition = held.nextSetBit(0); partition >= 0; partition = held.nextSetBit(partition + 1)) {
      call(false, partition);
    }
    held.clear();
    Thread t = new Thread(() -> rejoin(old, next), "coursepulse-group-" + group + "-rejoin");
    t.setDaemon(true);
    t.start();
  }

  private void rejoin(Consumer old, long gen) {
    try {
      if (old != null) {
        old.close();
      }
    } catch (RuntimeException e) {
      LOG.debug("Group '{}': closing the old consumer failed (its connection may be gone)", group, e);
    }
    while (true) {
      synchronized (lock) {
        if (closed || gen != generation) {
          return;
        }
      }
      try {
        Consumer c = subscribe(gen);
        synchronized (lock) {
          if (!closed && gen == generation) {
            consumer = c;
            rejoining = false;
            LOG.info("Group '{}' on '{}': joined again", group, stream);
            return;
          }
        }
        c.close();
        return;
      } catch (RuntimeException e) {
        LOG.warn(
            "Group '{}' on '{}': joining again failed ({}); retrying in {} s", group, stream,
            e.getClass().getName(), REJOIN_BACKOFF.toSeconds());
        LOG.debug("Rejoin failure", e);
        try {
          Thread.sleep(REJOIN_BACKOFF.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private void call(boolean assigned, int partition) {
    try {
      if (assigned) {
        listener.assigned(partition);
      } else {
        listener.revoked(partition);
      }
    } catch (RuntimeException e) {
      // Thrown on the client's dispatching thread: let it answer the broker and go on.
      LOG.warn(
          "Group '{}': the partition listener failed on {} of partition {} of '{}': {}",
          group, assigned ? "assignment" : "revocation", partition, stream,
          e.getClass().getName());
      LOG.debug("Partition listener failure", e);
    }
  }

  @Override
  public void close() {
    Consumer c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = consumer;
      held.clear();
      recovering.clear();
      activeSubscriptions.clear();
    }
    try {
      if (c != null) {
        c.close();
      }
    } catch (RuntimeException e) {
      LOG.debug("Closing the group consumer of '{}' failed (the connection may be gone)", group, e);
    } finally {
      log.forget(this);
    }
  }

  @Override
  public String toString() {
    return "RabbitGroupMembership{group=" + group + ", stream=" + stream + "}";
  }
}
