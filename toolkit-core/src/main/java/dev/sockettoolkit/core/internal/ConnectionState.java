package dev.sockettoolkit.core.internal;

import dev.sockettoolkit.core.ConnectionClosedException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The open, output-shut-down or closed state of a connection, as one value, with the checks and
 * messages every layer shares: a transport and the TLS layer over it refuse a write after close
 * in the same words.
 *
 * <pre>{@code
 * ConnectionState state = new ConnectionState("close_notify sent");
 * state.checkWritable(peer);                  // throws ConnectionClosedException once closed
 * if (state.shutDownOutput()) { ... }         // true once: send the end of output
 * if (state.close() != State.CLOSED) { ... }  // the first close does the work
 * }</pre>
 */
public final class ConnectionState {
  /** Where a connection is in its life; it only moves down this list. */
  public enum State {
    /** Reads and writes work. */
    OPEN,
    /** This side ended its output (half-close); reads still work. */
    OUTPUT_SHUT_DOWN,
    /** Closed or aborted: nothing works any more. */
    CLOSED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
  private final String outputShutdownDetail;

  /**
   * A state that starts open; {@code outputShutdownDetail} says in messages how output was shut
   * down, such as {@code "half-closed"}.
   */
  public ConnectionState(String outputShutdownDetail) {
    this.outputShutdownDetail = outputShutdownDetail;
  }

  /** The state now. */
  public State get() {
    return state.get();
  }

  /** Whether the connection is not closed. */
  public boolean isOpen() {
    return state.get() != State.CLOSED;
  }

  /** Whether the connection is closed. */
  public boolean isClosed() {
    return state.get() == State.CLOSED;
  }

  /** Whether output was shut down and the connection is not closed. */
  public boolean isOutputShutDown() {
    return state.get() == State.OUTPUT_SHUT_DOWN;
  }

  /** Moves an open connection to {@link State#OUTPUT_SHUT_DOWN}; returns whether this call did. */
  public boolean shutDownOutput() {
    return state.compareAndSet(State.OPEN, State.OUTPUT_SHUT_DOWN);
  }

  /** Moves the connection to {@link State#CLOSED}; returns the state it had before. */
  public State close() {
    return state.getAndSet(State.CLOSED);
  }

  /**
   * Throws unless the connection is open or only its output is shut down.
   *
   * @param operation what was attempted, with its preposition: {@code "read"}, {@code "write
   *     to"}, {@code "shut down output of"}
   */
  public void checkOpen(String operation, Object peer) throws ConnectionClosedException {
    if (isClosed()) {
      throw closed(operation, peer);
    }
  }

  /** Throws unless the connection is open with its output not shut down. */
  public void checkWritable(Object peer) throws ConnectionClosedException {
    State now = state.get();
    if (now == State.CLOSED) {
      throw closed("write to", peer);
    }
    if (now == State.OUTPUT_SHUT_DOWN) {
      throw new ConnectionClosedException(
          "cannot write to " + peer + ": output was shut down (" + outputShutdownDetail + ")");
    }
  }

  /** The exception for {@code operation} on a closed connection. */
  public static ConnectionClosedException closed(String operation, Object peer) {
    return new ConnectionClosedException(
        "cannot " + operation + " " + peer + ": the connection is closed");
  }
}
