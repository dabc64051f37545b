package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StreamEngine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A task's states, and what an engine that is one task shows of them. */
class TaskStateTest {

  @Test
  void shouldShowEachTaskStateAsAnEngineStateOfItsOwn() {
    assertThat(Arrays.stream(TaskState.values()).map(TaskState::engineState).distinct())
        .as("one engine state per task state")
        .hasSize(TaskState.values().length);
    assertThat(TaskState.RUNNING.canTransitionTo(TaskState.RESTORING)).as("a rebuild").isTrue();
    assertThat(TaskState.CLOSED.canTransitionTo(TaskState.RUNNING)).isFalse();
    assertThat(TaskState.FAILED.canTransitionTo(TaskState.RESTORING)).isFalse();
    assertThat(TaskState.CLOSING.engineState()).isEqualTo(StreamEngine.State.PENDING_SHUTDOWN);
    assertThat(TaskState.FAILED.engineState()).isEqualTo(StreamEngine.State.ERROR);
  }
}
