package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.core.ConnectionTimeoutException.Kind;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import dev.sockettoolkit.core.internal.ConnectionCounters.Outcome;
import dev.sockettoolkit.core.internal.ConnectionState;
import dev.sockettoolkit.core.internal.ConnectionState.State;
import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
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
abstract class AbstractConnection
    implements Connection, ConnectionCounters.Counted, ReadsWithoutWaiting {
  /** Cap on bytes handed to one read or write call, so heap buffers never need huge temporary copies. */
  static final int MAX_IO_CHUNK = 256 * 1024;

  private static final long MAX_TIMEOUT_NANOS = Duration.ofDays(36_500).toNanos();

  final ConnectionOptions options;
  /** The clock of the timeouts; {@code options.timeSource()}. */
  final TimeSource time;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final long writeTimeoutNanos;
  private final long idleTimeoutNanos;

  private final ConnectionState state = new ConnectionState("half-closed");
  private final ConnectionCounters counters;
  /** This connection's JFR event, begun when it opened; null if none was being recorded then. */
  private final ConnectionEvent event;
  private volatile Kind expired;
  private volatile long lastActivity;
  /** When the write in progress last moved bytes; 0 when no write is in progress. */
  private volatile long writeProgress;
  /** {@link ConnectionTimer}'s: when it next checks this connection. */
  long timerDue;
  /** {@link ConnectionTimer}'s: the next connection in its list. */
  AbstractConnection timerNext;
  /** On a time source other than the system's: the pending idle and write checks, or null. */
  private volatile TimeSource.Scheduled idleCheck;
  private volatile TimeSource.Scheduled writeCheck;

  /** A connection with {@code options} over {@code transport}: tcp, unix or in-memory. */
  AbstractConnection(ConnectionOptions options, String transport) {
    this.options = Objects.requireNonNull(options, "options");
    this.time = options.timeSource();
    this.lastActivity = time.nanoTime();
    this.counters = new ConnectionCounters(transport);
    ConnectionEvent begun = new ConnectionEvent();
    if (begun.isEnabled()) {
      begun.begin();
      this.event = begun;
    } else {
      this.event = null;
    }
    // Capped so that clock arithmetic cannot overflow; a century is as good as no limit.
    this.writeTimeoutNanos = Math.min(options.writeTimeout().toNanos(), MAX_TIMEOUT_NANOS);
    this.idleTimeoutNanos = Math.min(options.idleTimeout().toNanos(), MAX_TIMEOUT_NANOS);
  }

  /** Starts timeout enforcement; call once the connection is fully constructed. */
  final void startTimeouts() {
    if (!hasTimeouts()) {
      return;
    }
    if (time.isSystem()) {
      ConnectionTimer.register(this);
    } else if (idleTimeoutNanos > 0) {
      // Another clock (a test's virtual one) runs each check exactly at its deadline instead; a
      // write schedules its own check while it lasts, so an idle clock has nothing to jump to.
      scheduleIdleCheck(lastActivity + idleTimeoutNanos);
    }
  }

  private void scheduleIdleCheck(long deadline) {
    idleCheck = time.schedule(deadline, this::checkIdle);
  }

  private void checkIdle() {
    if (state.isClosed()) {
      return;
    }
    long last = lastActivity;
    if (time.nanoTime() - last >= idleTimeoutNanos) {
      expire(Kind.IDLE);
    } else {
      scheduleIdleCheck(last + idleTimeoutNanos);
    }
  }

  private void checkWrite() {
    long progress = writeProgress;
    if (state.isClosed() || progress == 0) {
      return;
    }
    if (time.nanoTime() - progress >= writeTimeoutNanos) {
      expire(Kind.WRITE);
    } else {
      writeCheck = time.schedule(progress + writeTimeoutNanos, this::checkWrite);
    }
  }

  /** The clock of this connection's timeouts, from its options. */
  @Override
  public TimeSource timeSource() {
    return time;
  }

  private boolean hasTimeouts() {
    return writeTimeoutNanos > 0 || idleTimeoutNanos > 0;
  }

  @Override
  public final ConnectionCounters counters() {
    return counters;
  }

  /**
   * Counts {@code connection}, if the toolkit made it, into {@code metrics} (may be null) as a
   * server's or a client's; returns it.
   */
  static Connection observe(Connection connection, boolean serverSide, ConnectionMetrics metrics) {
    if (connection instanceof AbstractConnection c) {
      c.counters.observe(serverSide, metrics == null ? null : metrics.recorder());
    }
    return connection;
  }

  // ---- transport hooks ----

  /**
   * Reads at least one byte into {@code dst} (which has space), or returns -1 at end of stream.
   * Throws a plain {@link SocketTimeoutException} if {@code timeoutNanos > 0} elapsed first.
   */
  abstract int readImpl(ByteBuffer dst, long timeoutNanos) throws IOException;

  /**
   * Reads what has arrived into {@code dst} (which has space) without waiting: the count, 0 if
   * nothing is known to have arrived, -1 at end of stream. By default 0: the caller then waits in
   * a plain read.
   */
  int readNowImpl(ByteBuffer dst) throws IOException {
    return 0;
  }

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
      lastActivity = time.nanoTime();
      if (n > 0) {
        counters.bytesRead(n);
      }
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
      lastActivity = time.nanoTime();
      if (n > 0) {
        counters.bytesRead(n);
      }
      return n;
    } catch (IOException e) {
      throw readFailure(e, timeout, false);
    }
  }

  @Override
  public final int readNow(ByteBuffer dst) throws IOException {
    if (!canRead(dst)) {
      return 0;
    }
    try {
      int n = readNowImpl(dst);
      if (n > 0) {
        lastActivity = time.nanoTime();
        counters.bytesRead(n);
      }
      return n;
    } catch (IOException e) {
      throw readFailure(e, options.readTimeout(), true);
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
    if (e instanceof ConnectionResetException) {
      counters.ending(Outcome.RESET);
      return e;
    }
    if (e instanceof ConnectionTimeoutException || e instanceof ConnectionClosedException) {
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
        long now = time.nanoTime();
        boolean starting = writeProgress == 0;
        writeProgress = now;
        lastActivity = now;
        if (starting && writeTimeoutNanos > 0 && !time.isSystem()) {
          writeCheck = time.schedule(now + writeTimeoutNanos, this::checkWrite);
        }
        writeChunk(srcs, first);
      }
      lastActivity = time.nanoTime();
    } catch (ConnectionResetException e) {
      counters.ending(Outcome.RESET);
      throw e;
    } catch (ConnectionClosedException | ConnectionTimeoutException e) {
      throw e;
    } catch (IOException e) {
      throw failure(e, "write");
    } finally {
      writeProgress = 0;
      TimeSource.Scheduled check = writeCheck;
      writeCheck = null;
      writeLock.unlock();
      if (check != null) {
        check.cancel();
      }
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
      counters.bytesWritten(writeImpl(srcs, first, end - first));
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
    State before = markClosed(Outcome.CLOSED);
    if (before != State.CLOSED) {
      closeImpl(before == State.OUTPUT_SHUT_DOWN);
    }
  }

  @Override
  public final void abort() {
    if (markClosed(Outcome.ABORTED) != State.CLOSED) {
      abortImpl();
    }
  }

  @Override
  public final boolean isOpen() {
    return state.isOpen();
  }

  /**
   * Closes the state; returns the state before, {@code CLOSED} if it was closed already. The
   * first call counts the connection ended, with {@code outcome} unless a cause was recorded.
   */
  private State markClosed(Outcome outcome) {
    State before = state.close();
    if (before != State.CLOSED) {
      if (hasTimeouts()) {
        if (time.isSystem()) {
          ConnectionTimer.closed();
        } else {
          cancelChecks();
        }
      }
      ended(outcome);
    }
    return before;
  }

  private void cancelChecks() {
    for (TimeSource.Scheduled check : new TimeSource.Scheduled[] {idleCheck, writeCheck}) {
      if (check != null) {
        check.cancel();
      }
    }
  }

  private void ended(Outcome fallback) {
    Outcome outcome = counters.ended(fallback);
    ConnectionEvent e = event;
    if (e != null && e.shouldCommit()) {
      e.transport = counters.transport();
      e.side = counters.side();
      e.localAddress = String.valueOf(localAddress());
      e.remoteAddress = String.valueOf(remoteAddress());
      e.bytesRead = counters.bytesRead();
      e.bytesWritten = counters.bytesWritten();
      e.outcome = outcome.label();
      e.messagesRead = counters.messagesRead();
      e.messagesWritten = counters.messagesWritten();
      e.commit();
    }
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
    boolean reset = Resets.isReset(e);
    counters.ending(reset ? Outcome.RESET : Outcome.FAILED);
    abort();
    if (reset) {
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
    counters.ending(kind == Kind.WRITE ? Outcome.WRITE_TIMEOUT : Outcome.IDLE_TIMEOUT);
    abort();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "{" + localAddress() + " -> " + remoteAddress() + (state.isClosed() ? ", closed" : "") + "}";
  }
}
