package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.core.ConnectionTimeoutException.Kind;
import dev.sockettoolkit.core.internal.ConnectionState;
import dev.sockettoolkit.core.internal.ConnectionState.State;
import dev.sockettoolkit.core.internal.Resets;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every transport shares: the open/closed state machine, serialised writes, timeouts and the
 * translation of low-level failures into the toolkit's exceptions. A transport implements the
 * four {@code *Impl} methods.
 *
 * <p>Writes hold a {@link ReentrantLock}, not a monitor, so a virtual thread blocked in a write
 * never pins its carrier.
 */
abstract class AbstractConnection implements Connection {
  /** Cap on bytes handed to one read or write call, so heap buffers never need huge temporary copies. */
  static final int MAX_IO_CHUNK = 256 * 1024;

  private static final long MAX_TIMEOUT_NANOS = Duration.ofDays(36_500).toNanos();

  final ConnectionOptions options;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final long writeTimeoutNanos;
  private final long idleTimeoutNanos;

  private final ConnectionState state = new ConnectionState("half-closed");
  private volatile Kind expired;
  private volatile long lastActivity = System.nanoTime();
  /** When the write in progress last moved bytes; 0 when no write is in progress. */
  private volatile long writeProgress;
  /** {@link ConnectionTimer}'s: when it next checks this connection. */
  long timerDue;
  /** {@link ConnectionTimer}'s: the next connection in its list. */
  AbstractConnection timerNext;

  AbstractConnection(ConnectionOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    // Capped so that clock arithmetic cannot overflow; a century is as good as no limit.
    this.writeTimeoutNanos = Math.min(options.writeTimeout().toNanos(), MAX_TIMEOUT_NANOS);
    this.idleTimeoutNanos = Math.min(options.idleTimeout().toNanos(), MAX_TIMEOUT_NANOS);
  }

  /** Starts timeout enforcement; call once the connection is fully constructed. */
  final void startTimeouts() {
    if (hasTimeouts()) {
      ConnectionTimer.register(this);
    }
  }

  private boolean hasTimeouts() {
    return writeTimeoutNanos > 0 || idleTimeoutNanos > 0;
  }

  // ---- transport hooks ----

  /**
   * Reads at least one byte into {@code dst} (which has space), or returns -1 at end of stream.
   * Throws a plain {@link SocketTimeoutException} if {@code timeoutNanos > 0} elapsed first.
   */
  abstract int readImpl(ByteBuffer dst, long timeoutNanos) throws IOException;

  /**
   * Writes some bytes of {@code srcs[offset..offset+length)}, blocking until at least one byte
   * moved, and returns how many.
   */
  abstract long writeImpl(ByteBuffer[] srcs, int offset, int length) throws IOException;

  abstract void shutdownOutputImpl() throws IOException;

  /**
   * Closes gracefully: output already written is delivered, then end of stream; {@code
   * outputShutDown} says whether {@link #shutdownOutputImpl()} ran before.
   */
  abstract void closeImpl(boolean outputShutDown) throws IOException;

  /** Closes at once with a reset. Must not throw. */
  abstract void abortImpl();

  // ---- Connection ----

  // Both reads call readImpl themselves rather than through a shared method: a thread blocked in
  // a read keeps every frame under it, and the frames of a parked virtual thread are heap.

  @Override
  public final int read(ByteBuffer dst) throws IOException {
    if (!canRead(dst)) {
      return 0;
    }
    try {
      int n = readImpl(dst, options.readTimeout().toNanos());
      lastActivity = System.nanoTime();
      return n;
    } catch (IOException e) {
      throw readFailure(e, options.readTimeout(), true);
    }
  }

  @Override
  public final int read(ByteBuffer dst, Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    checkArgument(timeout.toNanos() > 0, "timeout must be positive, got %s", timeout);
    if (!canRead(dst)) {
      return 0;
    }
    try {
      int n = readImpl(dst, timeout.toNanos());
      lastActivity = System.nanoTime();
      return n;
    } catch (IOException e) {
      throw readFailure(e, timeout, false);
    }
  }

  /** Whether {@code dst} has space; throws if the connection is closed. */
  private boolean canRead(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst, "dst");
    ensureOpen("read");
    return dst.hasRemaining();
  }

  /** What a read throws for {@code e}: a {@code configured} timeout is the connection's own. */
  private IOException readFailure(IOException e, Duration timeout, boolean configured) {
    if (e instanceof ConnectionTimeoutException
        || e instanceof ConnectionClosedException
        || e instanceof ConnectionResetException) {
      return e;
    }
    if (e instanceof SocketTimeoutException) {
      return new ConnectionTimeoutException(
          Kind.READ,
          timeout,
          "no byte arrived from " + remoteAddress()
              + (configured ? "" : " within the timeout passed to read"),
          e);
    }
    return failure(e, "read");
  }

  @Override
  public final void write(ByteBuffer... srcs) throws IOException {
    Objects.requireNonNull(srcs, "srcs");
    for (ByteBuffer src : srcs) {
      Objects.requireNonNull(src, "srcs contains null");
    }
    writeLock.lock();
    try {
      ensureOpen("write to");
      state.checkWritable(remoteAddress());
      int first = 0;
      while (first < srcs.length) {
        if (!srcs[first].hasRemaining()) {
          first++;
          continue;
        }
        long now = System.nanoTime();
        writeProgress = now;
        lastActivity = now;
        writeChunk(srcs, first);
      }
      lastActivity = System.nanoTime();
    } catch (ConnectionClosedException | ConnectionResetException | ConnectionTimeoutException e) {
      throw e;
    } catch (IOException e) {
      throw failure(e, "write");
    } finally {
      writeProgress = 0;
      writeLock.unlock();
    }
  }

  /** Writes at most {@link #MAX_IO_CHUNK} bytes starting at {@code srcs[first]}. */
  private void writeChunk(ByteBuffer[] srcs, int first) throws IOException {
    long budget = MAX_IO_CHUNK;
    int end = first;
    ByteBuffer limited = null;
    int savedLimit = 0;
    while (end < srcs.length && budget > 0) {
      int remaining = srcs[end].remaining();
      if (remaining > budget) {
        limited = srcs[end];
        savedLimit = limited.limit();
        limited.limit(limited.position() + (int) budget);
        budget = 0;
      } else {
        budget -= remaining;
      }
      end++;
    }
    try {
      writeImpl(srcs, first, end - first);
    } finally {
      if (limited != null) {
        limited.limit(savedLimit);
      }
    }
  }

  @Override
  public final void shutdownOutput() throws IOException {
    writeLock.lock();
    try {
      if (state.isOutputShutDown()) {
        return;
      }
      ensureOpen("shut down output of");
      if (state.shutDownOutput()) {
        shutdownOutputImpl();
      }
    } catch (ConnectionClosedException e) {
      throw e;
    } catch (IOException e) {
      throw failure(e, "shutdownOutput");
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public final void close() throws IOException {
    State before = markClosed();
    if (before != State.CLOSED) {
      closeImpl(before == State.OUTPUT_SHUT_DOWN);
    }
  }

  @Override
  public final void abort() {
    if (markClosed() != State.CLOSED) {
      abortImpl();
    }
  }

  @Override
  public final boolean isOpen() {
    return state.isOpen();
  }

  /** Closes the state; returns the state before, {@code CLOSED} if it was closed already. */
  private State markClosed() {
    State before = state.close();
    if (before != State.CLOSED && hasTimeouts()) {
      ConnectionTimer.closed();
    }
    return before;
  }

  private void ensureOpen(String operation) throws IOException {
    if (state.isClosed()) {
      throw closedException(operation);
    }
  }

  private IOException closedException(String operation) {
    Kind kind = expired;
    if (kind != null) {
      return timeoutException(kind, null);
    }
    return ConnectionState.closed(operation, remoteAddress());
  }

  /** Turns a low-level failure into the toolkit's exception, closing the connection if it is fatal. */
  private IOException failure(IOException e, String operation) {
    Kind kind = expired;
    if (kind != null) {
      return timeoutException(kind, e);
    }
    if (state.isClosed()) {
      ConnectionClosedException closedException =
          new ConnectionClosedException(
              operation + " of " + remoteAddress() + " failed: the connection was closed by this side");
      closedException.initCause(e);
      return closedException;
    }
    abort();
    if (Resets.isReset(e)) {
      return new ConnectionResetException(
          "connection reset by peer " + remoteAddress() + " during " + operation, e);
    }
    return e;
  }

  private ConnectionTimeoutException timeoutException(Kind kind, Throwable cause) {
    Duration value = kind == Kind.WRITE ? options.writeTimeout() : options.idleTimeout();
    String detail =
        kind == Kind.WRITE
            ? "peer " + remoteAddress() + " took no bytes; the connection was aborted"
            : "no traffic with " + remoteAddress() + "; the connection was aborted";
    ConnectionTimeoutException e = new ConnectionTimeoutException(kind, value, detail);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Whether a write is moving bytes now (a stopping server leaves such connections to drain). */
  final boolean isWriting() {
    return writeProgress != 0;
  }

  /**
   * For a stopping server: ends this side's input so that a read blocked at a message boundary
   * returns end of stream at once, leaving the output open for a graceful close (a TLS
   * close_notify). A transport that cannot end only its input closes instead.
   */
  void endInputForShutdown() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      abort();
    }
  }

  // ---- timeouts ----

  /** The smaller of the write and idle timeouts that are set. */
  final long smallestTimeoutNanos() {
    if (writeTimeoutNanos > 0 && idleTimeoutNanos > 0) {
      return Math.min(writeTimeoutNanos, idleTimeoutNanos);
    }
    return Math.max(writeTimeoutNanos, idleTimeoutNanos);
  }

  /**
   * The earliest moment, as seen at {@code now}, at which a timeout could expire: a write that
   * starts now cannot time out before {@code now} plus the write timeout.
   */
  final long earliestDeadline(long now) {
    long idleDeadline = lastActivity + idleTimeoutNanos;
    if (writeTimeoutNanos == 0) {
      return idleDeadline;
    }
    long progress = writeProgress;
    long writeDeadline = (progress != 0 ? progress : now) + writeTimeoutNanos;
    return idleTimeoutNanos == 0 || writeDeadline - idleDeadline < 0 ? writeDeadline : idleDeadline;
  }

  /**
   * Called by {@link ConnectionTimer} at {@code now}: aborts the connection if a timeout expired.
   * Returns whether the connection is still open and needs watching.
   */
  final boolean checkTimeouts(long now) {
    if (state.isClosed()) {
      return false;
    }
    long progress = writeProgress;
    if (writeTimeoutNanos > 0 && progress != 0 && now - progress >= writeTimeoutNanos) {
      expire(Kind.WRITE);
      return false;
    }
    if (idleTimeoutNanos > 0 && now - lastActivity >= idleTimeoutNanos) {
      expire(Kind.IDLE);
      return false;
    }
    return true;
  }

  private void expire(Kind kind) {
    expired = kind;
    abort();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "{" + localAddress() + " -> " + remoteAddress() + (state.isClosed() ? ", closed" : "") + "}";
  }
}
