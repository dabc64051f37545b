package coursepulse.io.rabbit;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.ConsumerUpdateListener;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.OffsetSpecification;
import com.rabbitmq.stream.Resource;
import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.LogUnavailableException;
import coursepulse.engine.log.PartitionListener;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group on a super stream: one single-active-consumer subscription per
 * partition (the client's super-stream consumer), used only as a lease. The broker spreads the
 * partitions over the group's consumers (partition {@code k} to consumer {@code k % n} in join
 * order) and, before it moves a partition, tells the active consumer it is no longer active and
 * waits for its answer: that answer is sent when {@link PartitionListener#revoked} returns, so the
 * next holder starts only after this one stopped (or, when it could not stop within a few
 * seconds, was fenced: a late answer is what RabbitMQ 4.0.5 was seen to lose).
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
 * it as soon as the client reports the subscription recovering, and the member then joins the
 * group again (below).
 *
 * <p><b>Re-joining.</b> After a node of a cluster dies, the client moves the subscriptions that
 * lived on it or followed a stream member there: it unsubscribes and subscribes again, sometimes on
 * a connection that stays open. While the broker elects a new leader for its stream coordinator
 * (which keeps the groups), an unsubscription can be lost: the connection no longer has the
 * subscription, but the group still lists it, possibly as the active one, and then the broker
 * activates nobody else on that partition for as long as that connection lives (seen on RabbitMQ
 * 4.0.5: {@code list_stream_group_consumers} showed an active consumer no connection had, and no
 * instance held the partition for minutes). The client may also give up re-subscribing (the
 * subscription closes). So whenever a subscription of this member recovers or closes on its own,
 * the member leaves the group and joins it again once the group has been quiet for {@link
 * #REJOIN_SETTLE} (at most {@link #REJOIN_AT_MOST} after the first such event): it stops its
 * tasks, closes the old consumer <em>and the environment it ran on</em> (closing the connection
 * is what makes the broker drop every subscription it still lists for it), and subscribes again
 * on a new environment, retrying until it succeeds or the membership is closed. Calls from the old
 * consumer are ignored from then on.
 *
 * <p><b>Joining.</b> The first join tries again for {@link #FIRST_JOIN_RETRIES_FOR} when it
 * fails in a way that passes by itself (a node dying or restarting under it), or when one of its
 * subscriptions lost its connection while it was being built; a re-join tries until it succeeds,
 * since the instance runs already. Other failures end the first join at once. No re-join runs
 * before the first join has taken its lease.
 *
 * <p>Listener calls are serialized per membership; a listener that throws is logged and the group
 * goes on (the client's thread must survive it).
 */
final class RabbitGroupMembership implements GroupMembership {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitGroupMembership.class);

  /** How long the group must be quiet (no subscription recovering or closing) before re-joining. */
  static final Duration REJOIN_SETTLE = Duration.ofSeconds(3);

  /** Re-join at the latest this long after the first trouble, even if more keeps coming. */
  static final Duration REJOIN_AT_MOST = Duration.ofSeconds(15);

  private static final Duration REJOIN_BACKOFF = Duration.ofSeconds(2);

  /**
   * How long the first join tries again after failures that pass by themselves ({@link
   * RabbitErrors#mayPass}): a node that dies while an instance joins (CI run of stop 41: its
   * subscription failed with "Connection is closed" and the instance exited) or restarts. A cluster
   * elects new leaders within seconds (5 to 10 s measured in ClusterFailoverIT) and a node restarts
   * within 20 s here; a broker down for longer is for the operator, told by the error.
   */
  static final Duration FIRST_JOIN_RETRIES_FOR = Duration.ofSeconds(60);

  private static final PassingRetry FIRST_JOIN = new PassingRetry(FIRST_JOIN_RETRIES_FOR, REJOIN_BACKOFF);

  private final RabbitStreamLog log;
  private final String group;
  private final String stream;
  private final List<String> partitions;
  private final PartitionListener listener;
  private final Duration heartbeat;
  private final Supplier<Environment> environments;
  // Guards everything below; held across listener calls so that they run one at a time.
  private final Object lock = new Object();
  private final BitSet held = new BitSet();
  // The partition each subscription (the super-stream consumer's per-partition consumer) is active
  // on, to revoke it when that subscription loses its connection.
  private final Map<Object, Integer> activeSubscriptions = new IdentityHashMap<>();
  private boolean closed;
  // Whether the first join took its lease: no re-join runs before.
  private boolean joined;
  private Lease lease;
  // Which consumer's calls count: raised when the member joins again.
  private long generation;
  private boolean rejoining;
  // The generation a re-join is planned for (-1: none), since when there is trouble and the last.
  private long rejoinPlannedFor = -1;
  private long firstTroubleAt;
  private long lastTroubleAt;

  /** A generation's consumer and the environment (connections) it alone runs on. */
  private record Lease(Environment environment, Consumer consumer) {
    void close(String group) {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        LOG.debug("Group '{}': closing a consumer failed (its connection may be gone)", group, e);
      }
      try {
        environment.close();
      } catch (RuntimeException e) {
        LOG.debug("Group '{}': closing an environment failed", group, e);
      }
    }
  }

  private RabbitGroupMembership(
      RabbitStreamLog log,
      Supplier<Environment> environments,
      String group,
      String stream,
      List<String> partitions,
      PartitionListener listener,
      Duration heartbeat) {
    this.log = log;
    this.environments = environments;
    this.heartbeat = heartbeat;
    this.group = group;
    this.stream = stream;
    this.partitions = partitions;
    this.listener = listener;
  }

  /**
   * Joins {@code group} on super stream {@code stream}; {@code environments} gives a new
   * environment for each (re-)join, which the membership closes when it leaves.
   */
  static RabbitGroupMembership join(
      RabbitStreamLog log,
      Supplier<Environment> environments,
      String group,
      String stream,
      List<String> partitions,
      PartitionListener listener,
      Duration heartbeat) {
    RabbitGroupMembership membership =
        new RabbitGroupMembership(
            log, environments, group, stream, partitions, listener, heartbeat);
    membership.joinFirst();
    return membership;
  }

  /**
   * Takes the first lease, trying again for {@link #FIRST_JOIN_RETRIES_FOR} while the failure may
   * pass; throws the last failure otherwise. An attempt whose subscriptions lost a connection while
   * it was being built is not kept (its subscriptions may be the ghosts a re-join exists for), and
   * no re-join runs before the first lease is taken: a re-join planned by an attempt would race
   * with the next one.
   */
  private void joinFirst() {
    try {
      FIRST_JOIN.run("Group '" + group + "' on '" + stream + "': joining", this::attemptFirst);
    } catch (RuntimeException e) {
      dropFailedAttempt(false);
      throw e;
    }
  }

  /** One attempt of the first join; a failed one is dropped before its failure is thrown. */
  private void attemptFirst() {
    long gen;
    synchronized (lock) {
      gen = generation;
    }
    try {
      Lease l = subscribe(gen);
      if (adoptFirst(l, gen)) {
        return;
      }
      l.close(group);
      throw new LogUnavailableException(
          "a subscription of group '" + group + "' on '" + stream + "' lost its connection while"
              + " the group was being joined: try again once every RabbitMQ node is up"
              + " ('rabbitmq-diagnostics cluster_status')",
          // what the subscription met: a failure that passes, so the join tries again
          new ClosedChannelException());
    } catch (RuntimeException e) {
      dropFailedAttempt(true);
      throw e;
    }
  }

  /** Keeps {@code l} as the first lease unless trouble came while it was being built. */
  private boolean adoptFirst(Lease l, long gen) {
    synchronized (lock) {
      if (closed || gen != generation || rejoinPlannedFor == gen) {
        return false;
      }
      lease = l;
      joined = true;
      return true;
    }
  }

  /**
   * Forgets a failed first attempt: a consumer that failed part-way may have been given partitions
   * and may still call back. Its calls stop counting, its partitions are revoked, the re-join its
   * trouble planned is dropped, and a membership that gives up is closed, so that nothing of it
   * joins later on its own.
   */
  private void dropFailedAttempt(boolean retrying) {
    synchronized (lock) {
      generation++;
      rejoinPlannedFor = -1;
      activeSubscriptions.clear();
      for (int p = held.nextSetBit(0); p >= 0; p = held.nextSetBit(p + 1)) {
        call(false, p);
      }
      held.clear();
      closed = !retrying;
    }
  }

  /** The super-stream consumer of generation {@code gen}: its calls count while that is current. */
  private Lease subscribe(long gen) {
    Environment environment = environments.get();
    try {
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
              .consumerUpdateListener(context -> update(gen, context))
              .listeners(context -> stateChanged(gen, context))
              .build();
      return new Lease(environment, consumer);
    } catch (RuntimeException e) {
      try {
        environment.close();
      } catch (RuntimeException ignored) {
        // the failure to report is the subscription's
      }
      throw e;
    }
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
      if (state == Resource.State.RECOVERING) {
        planRejoin(gen, "a subscription lost its connection or its stream member moved");
      } else if (state == Resource.State.CLOSED) {
        // closed by the client, not by us (we close only after raising the generation)
        planRejoin(gen, "a subscription closed");
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

  /**
   * Re-joins with a new consumer on a new environment once the trouble of generation {@code gen}
   * has settled (see the class comment). Called with the lock held.
   */
  private void planRejoin(long gen, String why) {
    long now = System.nanoTime();
    lastTroubleAt = now;
    if (rejoinPlannedFor == gen) {
      return;
    }
    rejoinPlannedFor = gen;
    firstTroubleAt = now;
    Thread t =
        new Thread(
            () -> {
              while (true) {
                long wait;
                synchronized (lock) {
                  if (closed || gen != generation) {
                    return;
                  }
                  long due =
                      Math.min(
                          lastTroubleAt + REJOIN_SETTLE.toNanos(),
                          firstTroubleAt + REJOIN_AT_MOST.toNanos());
                  wait = due - System.nanoTime();
                  if (wait <= 0) {
                    startRejoin(gen, why);
                    return;
                  }
                }
                try {
                  TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "coursepulse-group-" + group + "-rejoin-plan");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Leaves the group with the consumer of generation {@code gen} and joins it again, on a thread of
   * its own (the client's threads call us). Called with the lock held.
   */
  private void startRejoin(long gen, String why) {
    if (closed || !joined || gen != generation || rejoining) {
      return;
    }
    rejoining = true;
    long next = ++generation;
    Lease old = lease;
    lease = null;
    activeSubscriptions.clear();
    BitSet revoke = (BitSet) held.clone();
    held.clear();
    LOG.warn("Group '{}' on '{}': {}; joining the group again", group, stream, why);
    Thread t = new Thread(() -> rejoin(old, revoke, next), "coursepulse-group-" + group + "-rejoin");
    t.setDaemon(true);
    t.start();
  }

  private void rejoin(Lease old, BitSet revoke, long gen) {
    synchronized (lock) {
      // the tasks stop (and checkpoint) before the broker hands their partitions on
      for (int p = revoke.nextSetBit(0); p >= 0; p = revoke.nextSetBit(p + 1)) {
        call(false, p);
      }
    }
    if (old != null) {
      old.close(group);
    }
    long start = System.nanoTime();
    while (true) {
      synchronized (lock) {
        if (closed || gen != generation) {
          return;
        }
      }
      try {
        Lease l = subscribe(gen);
        synchronized (lock) {
          if (!closed && gen == generation) {
            lease = l;
            rejoining = false;
            LOG.info(
                "Group '{}' on '{}': joined again in {} ms", group, stream,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return;
          }
        }
        l.close(group);
        return;
      } catch (RuntimeException e) {
        LOG.warn(
            "Group '{}' on '{}': joining again failed ({}); retrying in {} s", group, stream,
            e.toString(), REJOIN_BACKOFF.toSeconds());
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
    Lease l;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      l = lease;
      lease = null;
      held.clear();
      activeSubscriptions.clear();
    }
    try {
      if (l != null) {
        l.close(group);
      }
    } finally {
      log.forget(this);
    }
  }

  @Override
  public String toString() {
    return "RabbitGroupMembership{group=" + group + ", stream=" + stream + "}";
  }
}
