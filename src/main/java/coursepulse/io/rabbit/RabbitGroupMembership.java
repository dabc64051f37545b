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
 * <p>Listener calls are serialized per membership; a listener that throws is logged and the group
 * goes on (the client's thread must survive it).
 */
final class RabbitGroupMembership implements GroupMembership {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitGroupMembership.class);

  private final RabbitStreamLog log;
  private final String group;
  private final String stream;
  private final List<String> partitions;
  private final PartitionListener listener;
  private final Duration heartbeat;
  // Guards held, consumers and closed; held across listener calls so that they run one at a time.
  private final Object lock = new Object();
  private final BitSet held = new BitSet();
  // The partition each subscription (the super-stream consumer's per-partition consumer) is active
  // on, to revoke it when that subscription loses its connection.
  private final Map<Object, Integer> activeSubscriptions = new IdentityHashMap<>();
  private boolean closed;
  private Consumer consumer;

  private RabbitGroupMembership(
      RabbitStreamLog log,
      String group,
      String stream,
      List<String> partitions,
      PartitionListener listener,
      Duration heartbeat) {
    this.log = log;
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
        new RabbitGroupMembership(log, group, stream, partitions, listener, heartbeat);
    Consumer consumer =
        environment.consumerBuilder()
            .superStream(stream)
            .name(group)
            .singleActiveConsumer()
            .noTrackingStrategy()
            .offset(OffsetSpecification.next())
            .flow()
            .strategy(ConsumerFlowStrategy.creditWhenHalfMessagesProcessed(1))
            .builder()
            .messageHandler((context, message) -> {})
            .consumerUpdateListener(membership::update)
            .listeners(membership::stateChanged)
            .build();
    synchronized (membership.lock) {
      membership.consumer = consumer;
    }
    return membership;
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

  private OffsetSpecification update(ConsumerUpdateListener.Context context) {
    int partition = partitions.indexOf(context.stream());
    synchronized (lock) {
      if (closed) {
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

  private void stateChanged(Resource.Context context) {
    Resource.State state = context.currentState();
    if (state != Resource.State.RECOVERING && state != Resource.State.CLOSED) {
      return;
    }
    synchronized (lock) {
      if (closed) {
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
