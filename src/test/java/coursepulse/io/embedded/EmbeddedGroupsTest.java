package coursepulse.io.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.PartitionListener;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.testing.GroupEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitioned streams and consumer groups of the {@link EmbeddedStreamLog}. */
class EmbeddedGroupsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private EmbeddedStreamLog log;
  private final GroupEvents events = new GroupEvents();

  @BeforeEach
  void open() {
    log = EmbeddedStreamLog.inMemory();
    log.createSuperStream("02-Login", 3, Retention.unlimited());
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void shouldNamePartitionsLikeRabbitMqSuperStreams() {
    assertThat(log.partitions("02-Login")).containsExactly("02-Login-0", "02-Login-1", "02-Login-2");
    assertThat(log.streamExists("02-Login-2")).isTrue();
    assertThat(log.streamExists("02-Login")).isFalse();
    log.createStream("plain", Retention.unlimited());
    assertThat(log.partitions("plain")).isEmpty();
    assertThat(log.partitions("missing")).isEmpty();
  }

  @Test
  void shouldKeepAnExistingSuperStreamWhenDeclaredAgain() {
    log.createSuperStream("02-Login", 5, Retention.unlimited());

    assertThat(log.partitions("02-Login")).hasSize(3);
  }

  @Test
  void shouldDeleteASuperStreamWithItsPartitions() {
    log.deleteSuperStream("02-Login");

    assertThat(log.partitions("02-Login")).isEmpty();
    assertThat(log.streamExists("02-Login-0")).isFalse();
  }

  @Test
  void shouldRememberSuperStreamsAcrossReopening(@TempDir Path dir) {
    try (EmbeddedStreamLog fileLog = EmbeddedStreamLog.open(dir)) {
      fileLog.createSuperStream("03-Activity", 2, Retention.unlimited());
      fileLog.createSuperStream("gone", 2, Retention.unlimited());
      fileLog.deleteSuperStream("gone");
    }
    try (EmbeddedStreamLog reopened = EmbeddedStreamLog.open(dir)) {
      assertThat(reopened.partitions("03-Activity")).containsExactly("03-Activity-0", "03-Activity-1");
      assertThat(reopened.partitions("gone")).isEmpty();
      assertThat(reopened.streamExists("gone-0")).isFalse();
    }
  }

  @Test
  void shouldGiveEveryPartitionToTheOnlyMember() throws Exception {
    log.joinGroup("app", "02-Login", events.listener("a"));

    events.awaitHolders(Map.of(0, "a", 1, "a", 2, "a"), TIMEOUT);
  }

  @Test
  void shouldMovePartitionsToASecondMemberAfterRevokingThem() throws Exception {
    log.joinGroup("app", "02-Login", events.listener("a", Duration.ofMillis(100)));
    events.awaitHolders(Map.of(0, "a", 1, "a", 2, "a"), TIMEOUT);

    log.joinGroup("app", "02-Login", events.listener("b"));

    // k % 2: member 0 (a) keeps 0 and 2, member 1 (b) takes 1
    events.awaitHolders(Map.of(0, "a", 1, "b", 2, "a"), TIMEOUT);
    int revoked = events.indexOf("a", false, 1);
    int assigned = events.indexOf("b", true, 1);
    assertThat(revoked).isNotNegative().isLessThan(assigned);
    assertThat(events.events()).hasSize(5); // a+0 a+1 a+2 a-1 b+1: nothing else moved
  }

  @Test
  void shouldHandPartitionsBackWhenAMemberLeaves() throws Exception {
    log.joinGroup("app", "02-Login", events.listener("a"));
    GroupMembership b = log.joinGroup("app", "02-Login", events.listener("b"));
    events.awaitHolders(Map.of(0, "a", 1, "b", 2, "a"), TIMEOUT);

    b.close();

    events.awaitHolders(Map.of(0, "a", 1, "a", 2, "a"), TIMEOUT, "b");
    assertThat(events.indexOf("b", false, 1)).as("leaving calls no revoked").isNegative();
  }

  @Test
  void shouldKeepGroupsApartByNameAndStream() throws Exception {
    log.createSuperStream("03-Activity", 2, Retention.unlimited());
    log.joinGroup("app", "02-Login", events.listener("a"));
    log.joinGroup("other", "02-Login", events.listener("b"));
    log.joinGroup("app", "03-Activity", events.listener("c"));

    events.await(
        g -> g.events().stream().filter(e -> e.assigned()).count() == 8, TIMEOUT);
    assertThat(events.events()).noneMatch(e -> !e.assigned());
  }

  @Test
  void shouldCallListenersOnAThreadThatMayCallBackIntoTheLog() throws Exception {
    AtomicReference<GroupMembership> self = new AtomicReference<>();
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    PartitionListener leaveAtOnce =
        new PartitionListener() {
          @Override
          public void assigned(int partition) {
            while (self.get() == null) {
              Thread.onSpinWait();
            }
            seen.complete(log.partitions("02-Login"));
            self.get().close();
          }

          @Override
          public void revoked(int partition) {}
        };
    self.set(log.joinGroup("app", "02-Login", leaveAtOnce));

    assertThat(seen.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasSize(3);
    log.joinGroup("app", "02-Login", events.listener("b"));
    events.awaitHolders(Map.of(0, "b", 1, "b", 2, "b"), TIMEOUT);
  }

  @Test
  void shouldGoOnWhenAListenerThrows() throws Exception {
    PartitionListener failing =
        new PartitionListener() {
          @Override
          public void assigned(int partition) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void revoked(int partition) {
            throw new IllegalStateException("boom");
          }
        };
    log.joinGroup("app", "02-Login", failing);

    log.joinGroup("app", "02-Login", events.listener("b"));

    events.awaitHolders(Map.of(1, "b"), TIMEOUT);
  }

  @Test
  void shouldRefuseAGroupOnAPlainStream() {
    log.createStream("plain", Retention.unlimited());

    assertThatThrownBy(() -> log.joinGroup("app", "plain", events.listener("a")))
        .isInstanceOf(StreamNotFoundException.class)
        .hasMessageContaining("--partitions N");
  }

  @Test
  void shouldRouteKeysStablyAndSpreadThem() {
    Set<Integer> used = new HashSet<>();
    int[] counts = new int[3];
    for (int i = 0; i < 3000; i++) {
      int p = log.partitionFor("student-" + i, 3);
      assertThat(log.partitionFor("student-" + i, 3)).isEqualTo(p);
      used.add(p);
      counts[p]++;
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2);
    for (int c : counts) {
      assertThat(c).isBetween(850, 1150);
    }
    assertThat(log.partitionFor("anything", 1)).isZero();
  }
}
