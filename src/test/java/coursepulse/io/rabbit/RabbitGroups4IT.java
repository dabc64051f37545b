package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.Producer;
import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.testing.CapturedLog;
import coursepulse.testing.GroupEvents;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer groups (single active consumer on super streams) on the RabbitMQ 4 node. */
@ExtendWith(RabbitMq4Extension.class)
class RabbitGroups4IT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<Integer, String> ALL_A = Map.of(0, "a", 1, "a", 2, "a");

  @Test
  void shouldSharePartitionsAndRevokeBeforeTheNextHolderStarts(RabbitVhost vhost) throws Exception {
    String stream = RabbitVhost.uniqueStream("share");
    GroupEvents events = new GroupEvents();
    try (RabbitStreamLog a = vhost.openLog();
        RabbitStreamLog b = vhost.openLog()) {
      a.createSuperStream(stream, 3, Retention.unlimited());
      a.joinGroup("app", stream, events.listener("a", Duration.ofMillis(300)));
      events.awaitHolders(ALL_A, TIMEOUT);

      b.joinGroup("app", stream, events.listener("b"));

      // the broker's rule: partition k to member k % 2 in join order
      events.awaitHolders(Map.of(0, "a", 1, "b", 2, "a"), TIMEOUT);
      int revoked = events.indexOf("a", false, 1);
      int assigned = events.indexOf("b", true, 1);
      assertThat(revoked).as("a's revocation returned first: %s", events.events())
          .isNotNegative().isLessThan(assigned);
      assertThat(events.events().get(assigned).nanos())
          .isGreaterThanOrEqualTo(events.events().get(revoked).nanos());
    }
  }

  @Test
  void shouldMovePartitionsOfAMemberThatLeaves(RabbitVhost vhost) throws Exception {
    String stream = RabbitVhost.uniqueStream("leave");
    GroupEvents events = new GroupEvents();
    try (RabbitStreamLog a = vhost.openLog();
        RabbitStreamLog b = vhost.openLog()) {
      a.createSuperStream(stream, 3, Retention.unlimited());
      a.joinGroup("app", stream, events.listener("a"));
      events.awaitHolders(ALL_A, TIMEOUT);
      GroupMembership mb = b.joinGroup("app", stream, events.listener("b"));
      events.awaitHolders(Map.of(0, "a", 1, "b", 2, "a"), TIMEOUT);

      long start = System.nanoTime();
      mb.close();
      events.awaitHolders(ALL_A, TIMEOUT, "b");
      long millis = (System.nanoTime() - start) / 1_000_000;

      System.out.printf("handover after close of a membership: %d ms%n", millis);
      assertThat(millis).isLessThan(5_000);
      assertThat(events.indexOf("b", false, 1)).as("closing calls no revoked").isNegative();
    }
  }

  @Test
  void shouldMovePartitionsOfAMemberWhoseJvmIsKilled(RabbitVhost vhost, @org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    String stream = RabbitVhost.uniqueStream("kill");
    GroupEvents events = new GroupEvents();
    try (RabbitStreamLog a = vhost.openLog()) {
      a.createSuperStream(stream, 3, Retention.unlimited());
      a.joinGroup("app", stream, events.listener("a"));
      events.awaitHolders(ALL_A, TIMEOUT);

      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  GroupMemberMain.class.getName(),
                  vhost.uri(),
                  "app",
                  stream)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.PIPE)
              .start();
      try {
        CountDownLatch childHolds = new CountDownLatch(1);
        List<String> childOutput = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread pump =
            new Thread(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                      childOutput.add(line);
                      if (line.equals("assigned 1")) {
                        childHolds.countDown();
                      }
                    }
                  } catch (java.io.IOException e) {
                    // the child is gone
                  }
                });
        pump.setDaemon(true);
        pump.start();
        assertThat(childHolds.await(60, TimeUnit.SECONDS)).as("child output %s", childOutput).isTrue();
        events.awaitHolders(Map.of(0, "a", 2, "a"), TIMEOUT);

        long start = System.nanoTime();
        child.destroyForcibly();
        events.awaitHolders(ALL_A, TIMEOUT);
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf("handover after SIGKILL of a member's JVM: %d ms%n", millis);
        assertThat(millis).isLessThan(10_000);
      } finally {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * CI's run of stop 41 lost an instance whose first join met a node dying ("Connection is
   * closed"). Here the join's first two environments find nobody listening on their port (as while
   * a node restarts), the third reaches the broker: the join must wait for it, say so at WARN, and
   * hold every partition.
   */
  @Test
  void shouldJoinAfterConnectionsThatFailedWhileTheBrokerWasAway(RabbitVhost vhost)
      throws Exception {
    String stream = RabbitVhost.uniqueStream("away");
    GroupEvents events = new GroupEvents();
    RabbitSettings away = RabbitSettings.of(withPort(vhost.uri(), closedPort()));
    AtomicInteger attempts = new AtomicInteger();
    try (RabbitStreamLog log = vhost.openLog();
        RabbitEnvironments nobody = new RabbitEnvironments(away);
        RabbitEnvironments broker = new RabbitEnvironments(RabbitSettings.of(vhost.uri()));
        CapturedLog retryLog = CapturedLog.of(PassingRetry.class)) {
      log.createSuperStream(stream, 3, Retention.unlimited());
      Supplier<Environment> environments =
          () -> attempts.incrementAndGet() <= 2
              ? environment(nobody, away)
              : environment(broker, RabbitSettings.of(vhost.uri()));

      GroupMembership membership =
          RabbitGroupMembership.join(
              log, environments, "app", stream, log.partitions(stream), events.listener("a"),
              Duration.ofSeconds(60));
      try {
        events.awaitHolders(ALL_A, TIMEOUT);
        assertThat(attempts).hasValue(3);
        assertThat(retryLog.messages())
            .filteredOn(m -> m.contains("joining failed"))
            .hasSize(2)
            .allMatch(m -> m.startsWith("Group 'app' on '" + stream + "': joining failed ("))
            .allMatch(m -> m.endsWith("); retrying in 2 s, for at most 60 s"));
      } finally {
        membership.close();
      }
    }
  }

  /** Refused credentials do not pass by themselves: the first join fails at once, untried again. */
  @Test
  void shouldFailTheJoinAtOnceWhenTheBrokerRefusesTheCredentials(RabbitVhost vhost)
      throws Exception {
    String stream = RabbitVhost.uniqueStream("refused");
    RabbitSettings wrongPassword =
        RabbitSettings.of(vhost.uri().replaceFirst("://([^:@/]+):[^@/]*@", "://$1:not-it@"));
    AtomicInteger attempts = new AtomicInteger();
    try (RabbitStreamLog log = vhost.openLog();
        RabbitEnvironments refused = new RabbitEnvironments(wrongPassword);
        CapturedLog retryLog = CapturedLog.of(PassingRetry.class)) {
      log.createSuperStream(stream, 2, Retention.unlimited());
      Supplier<Environment> environments =
          () -> {
            attempts.incrementAndGet();
            return environment(refused, wrongPassword);
          };

      assertThatThrownBy(
              () -> RabbitGroupMembership.join(
                  log, environments, "app", stream, log.partitions(stream),
                  new GroupEvents().listener("a"), Duration.ofSeconds(60)))
          .hasMessageContaining("refused the credentials");
      assertThat(attempts).hasValue(1);
      assertThat(retryLog.messages()).noneMatch(m -> m.contains("joining failed"));
    }
  }

  /** An environment as {@code RabbitStreamLog} builds one for a group: failures translated. */
  private static Environment environment(RabbitEnvironments environments, RabbitSettings settings) {
    try {
      return environments.build("coursepulse-group", new AtomicReference<>());
    } catch (RuntimeException e) {
      throw RabbitErrors.connecting(e, settings.uri());
    }
  }

  private static String withPort(String uri, int port) {
    return uri.replaceFirst("@([^:/]+):\\d+/", "@$1:" + port + "/");
  }

  /** A local port nobody listens on (it was free a moment ago). */
  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void shouldForgetTheKnownPartitionsOfADeletedSuperStream(RabbitStreamLog log) {
    String stream = RabbitVhost.uniqueStream("recreated");
    log.createSuperStream(stream, 2, Retention.unlimited());
    assertThat(log.partitions(stream)).containsExactly(stream + "-0", stream + "-1");

    log.deleteSuperStream(stream);
    log.createSuperStream(stream, 3, Retention.unlimited());

    assertThat(log.partitions(stream))
        .as("the partitions of the super stream created again under the name")
        .containsExactly(stream + "-0", stream + "-1", stream + "-2");
  }

  @Test
  void shouldRouteKeysLikeTheClientsSuperStreamProducer(RabbitStreamLog log) throws Exception {
    String stream = RabbitVhost.uniqueStream("route");
    log.createSuperStream(stream, 3, Retention.unlimited());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      keys.add("student-" + i * 31);
    }
    CountDownLatch confirmed = new CountDownLatch(keys.size());
    try (Producer producer =
        log.environment().producerBuilder()
            .superStream(stream)
            .routing(message -> message.getProperties().getMessageIdAsString())
            .producerBuilder()
            .build()) {
      for (String key : keys) {
        producer.send(
            producer.messageBuilder().properties().messageId(key).messageBuilder()
                .addData(key.getBytes(StandardCharsets.UTF_8)).build(),
            status -> confirmed.countDown());
      }
      assertThat(confirmed.await(30, TimeUnit.SECONDS)).isTrue();
    }

    Map<String, Integer> placed = new HashMap<>();
    List<String> partitions = log.partitions(stream);
    for (int k = 0; k < partitions.size(); k++) {
      try (LogReader reader = log.reader(partitions.get(k), OffsetSpec.first())) {
        LogMessage m;
        while ((m = reader.poll(Duration.ofSeconds(2))) != null) {
          placed.put(new String(m.body(), StandardCharsets.UTF_8), k);
        }
      }
    }
    assertThat(placed).hasSize(keys.size());
    for (String key : keys) {
      assertThat(log.partitionFor(key, 3)).as(key).isEqualTo(placed.get(key));
    }
    assertThat(placed.values()).containsOnly(0, 1, 2);
  }

  @Test
  void shouldRefuseAGroupOnAPlainStream(RabbitStreamLog log) {
    String stream = RabbitVhost.uniqueStream("plain");
    log.createStream(stream, Retention.unlimited());

    assertThatThrownBy(() -> log.joinGroup("app", stream, new GroupEvents().listener("a")))
        .isInstanceOf(StreamNotFoundException.class)
        .hasMessageContaining("coursepulse streams --create --partitions N");
  }
}
