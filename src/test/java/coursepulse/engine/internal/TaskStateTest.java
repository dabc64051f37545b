package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StreamEngine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A task's states, and what an engine that is one task shows of them. */
class TaskStateTest {

  @Test
  void shouldShowEachTaskStateAsItsOwnEngineStateAndAllowTheSameMoves() {
    assertThat(Arrays.stream(TaskState.values()).map(TaskState::engineState).distinct())
        .as("one engine state per task state")
        .hasSize(TaskState.values().length);
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        assertThat(from.canTransitionTo(to))
            .as("%s -> %s", from, to)
            .isEqualTo(from.engineState().canTransitionTo(to.engineState()));
      }
    }
    assertThat(TaskState.CLOSING.engineState()).isEqualTo(StreamEngine.State.PENDING_SHUTDOWN);
    assertThat(TaskState.FAILED.engineState()).isEqualTo(StreamEngine.State.ERROR);
  }
}
