package dev.sockettoolkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.internal.ConnectionState.State;
import org.junit.jupiter.api.Test;

class ConnectionStateTest {
  @Test
  void movesOnlyDownItsStates() throws Exception {
    ConnectionState state = new ConnectionState("half-closed");
    assertEquals(State.OPEN, state.get());
    state.checkWritable("peer");
    assertTrue(state.shutDownOutput());
    assertFalse(state.shutDownOutput(), "once");
    assertTrue(state.isOutputShutDown());
    assertTrue(state.isOpen());
    state.checkOpen("read", "peer");
    ConnectionClosedException e =
        assertThrows(ConnectionClosedException.class, () -> state.checkWritable("peer:1"));
    assertEquals("cannot write to peer:1: output was shut down (half-closed)", e.getMessage());

    assertEquals(State.OUTPUT_SHUT_DOWN, state.close(), "close tells what it closed");
    assertEquals(State.CLOSED, state.close(), "a second close: closed already");
    assertFalse(state.shutDownOutput(), "a closed connection does not go back");
    assertFalse(state.isOutputShutDown());
    assertTrue(state.isClosed());
    e = assertThrows(ConnectionClosedException.class, () -> state.checkOpen("read", "peer:1"));
    assertEquals("cannot read peer:1: the connection is closed", e.getMessage());
    e = assertThrows(ConnectionClosedException.class, () -> state.checkWritable("peer:1"));
    assertEquals("cannot write to peer:1: the connection is closed", e.getMessage());
  }
}
