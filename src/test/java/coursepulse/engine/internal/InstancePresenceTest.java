package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.InstanceSighting;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InstancePresenceTest {

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void shouldSeeNoInstanceOfAnApplicationThatNeverRan() {
    assertThat(InstancePresence.sightings(log, "app", Duration.ofSeconds(30))).isEmpty();
  }

  @Test
  void shouldSeeARunningInstanceUntilItSaysItStopped() {
    InstancePresence presence = InstancePresence.announce(log, "app", "123@host-a");
    try {
      assertThat(InstancePresence.sightings(log, "app", Duration.ofSeconds(30)))
          .singleElement()
          .satisfies(s -> {
            assertThat(s.instance()).isEqualTo("123@host-a");
            assertThat(s.status()).isEqualTo(InstanceSighting.Status.RUNNING);
          });
    } finally {
      presence.close();
    }
    assertThat(InstancePresence.sightings(log, "app", Duration.ofSeconds(30)))
        .extracting(InstanceSighting::status)
        .containsExactly(InstanceSighting.Status.STOPPED);
  }

  @Test
  void shouldCountAHeartbeatOlderThanTheTimeoutAsSilentNotRunning() {
    InstancePresence presence = InstancePresence.announce(log, "app", "123@host-a");
    try {
      // a zero timeout: every heartbeat is already too old (no clock to wait for)
      assertThat(InstancePresence.sightings(log, "app", Duration.ZERO))
          .extracting(InstanceSighting::status)
          .containsExactly(InstanceSighting.Status.SILENT);
    } finally {
      presence.close();
    }
  }

  @Test
  void shouldKeepApplicationsApart() {
    InstancePresence presence = InstancePresence.announce(log, "app", "123@host-a");
    try {
      assertThat(InstancePresence.sightings(log, "other", Duration.ofSeconds(30))).isEmpty();
    } finally {
      presence.close();
    }
  }
}
