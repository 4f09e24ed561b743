package io.vmta.smtp.relay.impl;

import static io.vmta.smtp.relay.impl.AttemptState.IDLE;
import static io.vmta.smtp.relay.impl.AttemptState.RUNNING;
import static io.vmta.smtp.relay.impl.AttemptState.RUNNING_AGAIN;
import static io.vmta.smtp.relay.impl.AttemptState.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmta.smtp.relay.impl.AttemptState.Action;
import io.vmta.smtp.relay.impl.AttemptState.Step;
import org.junit.jupiter.api.Test;

/** The transition table of {@link AttemptState}, row by row as its Javadoc lists it. */
class AttemptStateTest {

  @Test
  void requested() {
    assertThat(IDLE.requested(true)).isEqualTo(new Step(RUNNING, Action.RUN));
    assertThat(IDLE.requested(false)).isEqualTo(new Step(WAITING, Action.WAIT_FOR_SLOT));
    assertThat(WAITING.requested(true)).isEqualTo(new Step(WAITING, Action.NONE));
    assertThat(RUNNING.requested(true)).isEqualTo(new Step(RUNNING_AGAIN, Action.NONE));
    assertThat(RUNNING_AGAIN.requested(false)).isEqualTo(new Step(RUNNING_AGAIN, Action.NONE));
  }

  @Test
  void slotFreedAndWithdrawn() {
    assertThat(WAITING.slotFreed()).isEqualTo(new Step(RUNNING, Action.RUN));
    assertThat(WAITING.withdrawn()).isEqualTo(new Step(IDLE, Action.NONE));
    assertThat(IDLE.withdrawn()).isEqualTo(new Step(IDLE, Action.NONE));
    assertThatThrownBy(IDLE::slotFreed).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(RUNNING::withdrawn).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(RUNNING_AGAIN::withdrawn).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ended() {
    assertThat(RUNNING.ended()).isEqualTo(new Step(IDLE, Action.NONE));
    assertThat(RUNNING_AGAIN.ended()).isEqualTo(new Step(IDLE, Action.REQUEST_AGAIN));
    assertThatThrownBy(IDLE::ended).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(WAITING::ended).isInstanceOf(IllegalStateException.class);
    assertThat(RUNNING.running()).isTrue();
    assertThat(RUNNING_AGAIN.running()).isTrue();
    assertThat(WAITING.running()).isFalse();
  }
}
