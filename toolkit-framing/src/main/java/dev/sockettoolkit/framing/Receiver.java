package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import dev.sockettoolkit.core.internal.BoundaryWaits;
import dev.sockettoolkit.core.internal.BufferPool;
import dev.sockettoolkit.core.internal.ConnectionState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving half of a {@link MessageChannel}, the mirror of {@link Sender}: reads from the
 * connection into an {@link InboundBuffer}, runs the codec's decoder over it, reads large bodies
 * straight into their frames and lends batches to a handler.
 *
 * <p>Its life is one {@link State}: {@code OPEN} while it reads; {@code INPUT_ENDED} once the peer
 * ended its stream and the buffered bytes are being decoded; then {@code ENDED} (a clean end:
 * every receive returns null), {@code FAILED} (a codec error or a broken connection: every receive
 * throws the same exception) or {@code CLOSED} (the channel was closed). A {@code FAILED}, {@code
 * ENDED} or {@code CLOSED} receiver holds no pooled buffer.
 *
 * <p>One receiver at a time: calls are serialised by a lock. Nothing here is read by another
 * thread except the state, which {@link #close()} moves from any thread.
 */
final class Receiver<T> {
  /**
   * Bodies of at least this many bytes are read straight into their frame once the header has
   * arrived, instead of into the receive buffer and copied from there.
   */
  static final int DIRECT_BODY = 32 * 1024;
  /** What {@link #readNext} returns when a stopping server closed the connection at a message boundary. */
  private static final int CLOSED_AT_BOUNDARY = -2;

  /** Where a receiver is in its life. */
  enum State {
    OPEN,
    INPUT_ENDED,
    ENDED,
    FAILED,
    CLOSED
  }

  private final Connection connection;
  private final FrameCodec<T> codec;
  private final FrameDecoder<T> decoder;
  private final InboundBuffer in;
  private final ConnectionCounters counters;
  /** Bytes read from the connection so far, for the offset of a frame error. */
  private long bytesIn;
  /** Where in the stream the frame being decoded starts. */
  private long frameStart;
  private final ReentrantLock lock = new ReentrantLock();
  /** Moved under the lock, except to CLOSED, which {@link #close()} does from any thread. */
  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

  /** The terminal error, thrown by every receive once the state is FAILED. */
  private IOException failure;
  /** A skipped too-long frame met while gathering a batch, thrown by the next receive; or null. */
  private FrameTooLongException deferred;
  /**
   * A large frame's body being read straight into it, in write mode; or null. A direct one is from
   * {@link BufferPool#DIRECT} (lent bodies only).
   */
  private ByteBuffer body;
  /** Whether a {@link #receiveBatch} handler may be running: messages may be views. */
  private boolean inHandler;
  /** The pooled body of a large frame in the batch being handled, given back after it; or null. */
  private ByteBuffer lentBody;
  /** A codec error met while gathering a batch: close the connection after the handler. */
  private boolean closeAfterBatch;
  /** The batch being handled, and its read-only view; made on first use. */
  private List<T> batch;
  private List<T> batchView;

  Receiver(Connection connection, FrameCodec<T> codec, ConnectionCounters counters) {
    this.connection = connection;
    this.codec = codec;
    this.counters = counters;
    this.decoder = Objects.requireNonNull(codec.newDecoder(), "codec.newDecoder()");
    // A decoder that reads only headers works on direct memory, which the socket fills without
    // the JDK's extra copy. Decoders that scan every byte do it fastest in a heap array.
    this.in =
        new InboundBuffer(
            decoder.acceptsDirectBuffer() ? BufferPool.DIRECT : BufferPool.HEAP,
            codec.maxFrameSize());
  }

  /** The next message, or null at a clean end of stream; see {@link MessageChannel#receive()}. */
  T receive() throws IOException {
    // Not through receive(Duration): a thread blocked here keeps every frame under it, and the
    // frames of a parked virtual thread are heap (one less per idle connection).
    lock.lock();
    try {
      checkNotInHandler();
      return next(0, null);
    } finally {
      lock.unlock();
    }
  }

  /** Like {@link #receive()}, waiting at most {@code timeout}. */
  T receive(Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    lock.lock();
    try {
      checkNotInHandler();
      return next(deadline, timeout);
    } finally {
      lock.unlock();
    }
  }

  /** The next message if it is complete in the receive buffer, else null; never reads. */
  T receiveBuffered() throws IOException {
    lock.lock();
    try {
      checkNotInHandler();
      throwEarlierError();
      if (state.get() != State.OPEN || body != null) {
        return null;
      }
      return decodeNext();
    } finally {
      lock.unlock();
    }
  }

  /** See {@link MessageChannel#receiveBatch(Duration, MessageChannel.BatchHandler)}. */
  boolean receiveBatch(Duration timeout, MessageChannel.BatchHandler<T> handler)
      throws IOException {
    long deadline = deadline(timeout);
    lock.lock();
    try {
      checkNotInHandler();
      inHandler = true;
      decoder.lendFrames(true);
      try {
        T first = next(deadline, timeout);
        if (first == null) {
          return false;
        }
        if (batch == null) {
          batch = new ArrayList<>();
          batchView = Collections.unmodifiableList(batch);
        }
        batch.add(first);
        gather(batch);
        handler.handle(batchView);
        return true;
      } finally {
        decoder.lendFrames(false);
        inHandler = false;
        if (batch != null) {
          batch.clear();
        }
        if (lentBody != null) {
          BufferPool.DIRECT.give(lentBody);
          lentBody = null;
        }
        if (holdsNoBuffers(state.get())) {
          releaseBuffers(); // put off while the handler ran: its messages may have been views
        }
        if (closeAfterBatch) {
          closeAfterBatch = false;
          closeAfterFailure(failure);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Adds the messages already received to {@code list}, up to the first error. */
  private void gather(List<T> list) {
    while (body == null && receiving(state.get())) {
      T next;
      try {
        next = decodeNext();
      } catch (FrameTooLongException e) {
        if (e.discarded()) {
          deferred = e; // thrown by the next receive, after this batch's messages are handled
        }
        return; // a terminal error is in failure, thrown by the next receive
      } catch (IOException e) {
        return;
      }
      if (next == null) {
        return;
      }
      list.add(next);
    }
  }

  private long deadline(Duration timeout) {
    if (timeout == null) {
      return 0;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return connection.timeSource().nanoTime() + timeout.toNanos();
  }

  private void checkNotInHandler() {
    if (inHandler) {
      throw new IllegalStateException(
          "receive called from a receiveBatch handler of the same channel: the batch's messages"
              + " are views of the buffers that receiving would reuse. Receive after the handler"
              + " returns, and copy inside it the messages you need later");
    }
  }

  /**
   * Throws the terminal error, again, or once the skipped too-long frame that a batch met after
   * its first message; or that the channel is closed.
   */
  private void throwEarlierError() throws IOException {
    switch (state.get()) {
      case FAILED:
        throw failure;
      case CLOSED:
        throw ConnectionState.closed("receive from", connection.remoteAddress());
      default:
        break;
    }
    if (deferred != null) {
      FrameTooLongException e = deferred;
      deferred = null;
      throw e;
    }
  }

  /** The receive loop, under the lock: decodes, reads when it must, until a message or the end. */
  private T next(long deadline, Duration timeout) throws IOException {
    throwEarlierError();
    while (true) {
      State now = state.get();
      if (now == State.ENDED) {
        return null;
      }
      if (body == null) {
        T frame = decodeNext();
        if (frame != null) {
          return frame;
        }
        if (now == State.INPUT_ENDED) {
          moveTo(State.ENDED);
          in.release();
          return null;
        }
        startBody();
      }
      Duration wait = null;
      if (timeout != null) {
        long left = deadline - connection.timeSource().nanoTime();
        if (left <= 0) {
          throw receiveTimeout(timeout, null);
        }
        wait = Duration.ofNanos(left);
      }
      int n;
      try {
        n = body != null ? readBody(wait) : readNext(wait);
      } catch (FrameTooLongException e) {
        throw fail(e);
      } catch (ConnectionTimeoutException e) {
        if (e.kind() != ConnectionTimeoutException.Kind.READ) {
          throw connectionFailed(e);
        }
        if (timeout != null) {
          throw receiveTimeout(timeout, e);
        }
        throw e; // the connection's own read timeout: the channel stays usable
      } catch (IOException e) {
        throw connectionFailed(e);
      }
      if (n == CLOSED_AT_BOUNDARY) {
        moveTo(State.ENDED);
        in.release();
        return null;
      }
      if (n > 0) {
        bytesIn += n;
      }
      if (body != null) {
        if (n < 0) {
          throw fail(new TruncatedFrameException(body.position(), body.remaining()));
        }
        if (!body.hasRemaining()) {
          return frameFromBody();
        }
      } else if (n < 0) {
        moveTo(State.INPUT_ENDED);
      }
    }
  }

  /**
   * Reads more input for the decoder. With no partial frame buffered the read is a wait for the
   * start of the next message, which a stopping server may end at once ({@link BoundaryWaits}):
   * then returns {@link #CLOSED_AT_BOUNDARY}, a clean end, whatever the read brought.
   */
  private int readNext(Duration wait) throws IOException {
    if (in.data().hasRemaining() || decoder.pendingBodyLength() >= 0) {
      return in.readFrom(connection, wait);
    }
    BoundaryWaits.Wait boundary = BoundaryWaits.enter();
    int n;
    try {
      n = in.readFrom(connection, wait);
    } catch (IOException e) {
      if (BoundaryWaits.leave(boundary)) {
        throw e;
      }
      return CLOSED_AT_BOUNDARY;
    }
    return BoundaryWaits.leave(boundary) ? n : CLOSED_AT_BOUNDARY;
  }

  /**
   * If the decoder has consumed the header of a large frame whose body has not all arrived, takes
   * the body over: it is then read straight into a buffer of its own. Allocates at most 64 KiB or
   * twice the body bytes already received, so a peer that sends only a header cannot make the
   * channel hold more; a lent body comes from {@link BufferPool#DIRECT} when one is free.
   */
  private void startBody() {
    long length = decoder.pendingBodyLength();
    ByteBuffer data = in.data();
    long have = data.remaining();
    if (length < DIRECT_BODY
        || have >= length
        || length > Math.max(BufferPool.BUFFER_SIZE, 2 * have)
        || length > codec.maxFrameSize()) {
      return;
    }
    ByteBuffer taken = inHandler ? BufferPool.DIRECT.takeDirect((int) length) : null;
    body = taken != null ? taken : ByteBuffer.allocate((int) length);
    body.put(data);
    in.afterBody();
  }

  /** Reads more of a large frame's body straight into it. */
  private int readBody(Duration wait) throws IOException {
    return wait == null ? connection.read(body) : connection.read(body, wait);
  }

  /**
   * The frame of the completed large body. A pooled body is lent to a batch handler and given
   * back after it; if a plain receive completes it (a batch timed out in the middle of the body),
   * the caller gets a heap copy, as from every receive.
   */
  private T frameFromBody() throws IOException {
    ByteBuffer complete = body.flip();
    body = null;
    if (complete.isDirect()) {
      if (inHandler) {
        lentBody = complete;
      } else {
        ByteBuffer owned = ByteBuffer.allocate(complete.remaining()).put(complete).flip();
        BufferPool.DIRECT.give(complete);
        complete = owned;
      }
    }
    try {
      T frame = decoder.frameFromBody(complete);
      counters.messageRead();
      return frame;
    } catch (FrameException e) {
      throw fail(e);
    }
  }

  private T decodeNext() throws IOException {
    ByteBuffer data = in.data();
    int before = data.position();
    frameStart = bytesIn - data.remaining();
    T frame;
    try {
      frame =
          state.get() == State.INPUT_ENDED ? decoder.decodeAtEnd(data) : decoder.decode(data);
    } catch (FrameTooLongException e) {
      if (e.discarded()) {
        frameError(e, frameStart);
        throw e;
      }
      throw fail(e);
    } catch (FrameException e) {
      throw fail(e);
    }
    int after = data.position();
    if (after < before || (frame != null && after == before)) {
      throw stuck(frame != null && after == before);
    }
    if (frame != null) {
      counters.messageRead();
    }
    return frame;
  }

  /** A decoder that broke the buffer contract: fails the channel, which cannot make progress. */
  private IllegalStateException stuck(boolean nothingConsumed) throws IOException {
    IllegalStateException e =
        new IllegalStateException(
            "the decoder of " + codec + (nothingConsumed
                ? " returned a frame without consuming any input; it would return it forever"
                : " moved the buffer's position backwards")
                + ". A FrameDecoder must advance the position past every frame it returns"
                + " (see FrameDecoder's buffer contract)");
    FrameException terminal = new MalformedFrameException(e.getMessage());
    terminal.initCause(e);
    fail(terminal);
    return e;
  }

  /** Moves to {@code next} unless the channel was closed meanwhile. */
  private void moveTo(State next) {
    state.updateAndGet(s -> s == State.CLOSED ? s : next);
  }

  private static boolean receiving(State s) {
    return s == State.OPEN || s == State.INPUT_ENDED;
  }

  private static boolean holdsNoBuffers(State s) {
    return s == State.FAILED || s == State.CLOSED;
  }

  /**
   * Records a failure of the connection as terminal (the rest of the stream is lost) and gives
   * the receive buffers back, so a channel that is never closed does not keep them.
   */
  private IOException connectionFailed(IOException e) {
    failure = e;
    moveTo(State.FAILED);
    if (!inHandler) {
      releaseBuffers(); // else once the handler has returned: its messages may be views of them
    }
    return e;
  }

  /** Records a terminal decoding error and closes the connection. */
  private IOException fail(FrameException e) {
    frameError(e, frameStart);
    connectionFailed(e);
    if (inHandler) {
      // The batch's earlier messages are still to be handled, and the handler may answer them:
      // close once it has returned.
      closeAfterBatch = true;
    } else {
      closeAfterFailure(e);
    }
    return e;
  }

  /** Counts a frame error and records its JFR event. */
  private void frameError(FrameException e, long offset) {
    String kind;
    if (e instanceof FrameTooLongException tooLong) {
      kind = tooLong.discarded() ? "too_long_discarded" : "too_long";
    } else if (e instanceof MalformedFrameException) {
      kind = "malformed";
    } else if (e instanceof TruncatedFrameException) {
      kind = "truncated";
    } else {
      kind = "other";
    }
    counters.frameError(kind);
    FrameErrorEvent event = new FrameErrorEvent();
    if (event.shouldCommit()) {
      event.codec = codec.toString();
      event.kind = kind;
      event.exception = e.toString();
      event.offset = Math.max(0, offset);
      event.remoteAddress = String.valueOf(connection.remoteAddress());
      event.commit();
    }
  }

  private void closeAfterFailure(IOException e) {
    try {
      connection.close();
    } catch (IOException closeFailure) {
      e.addSuppressed(closeFailure);
    }
  }

  private static ConnectionTimeoutException receiveTimeout(Duration timeout, Throwable cause) {
    ConnectionTimeoutException e =
        new ConnectionTimeoutException(
            ConnectionTimeoutException.Kind.READ,
            timeout,
            "no whole message arrived within the timeout passed to receive");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Whether the channel was closed. */
  boolean isClosed() {
    return state.get() == State.CLOSED;
  }

  /**
   * Marks the channel closed (call with sends held back, before closing the connection); a
   * blocked receive is released by the connection's close.
   */
  void markClosed() {
    state.set(State.CLOSED);
  }

  /** Gives the buffers back if no receive is in progress; one in progress does when it ends. */
  void releaseIfIdle() {
    if (lock.tryLock()) {
      try {
        if (!inHandler) {
          releaseBuffers(); // else once the handler has returned
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Drops every receive buffer; a closed or failed channel receives nothing more. */
  private void releaseBuffers() {
    if (body != null && body.isDirect()) {
      BufferPool.DIRECT.give(body);
    }
    body = null;
    in.release();
  }

  /** The state now, for tests. */
  State state() {
    return state.get();
  }

  /**
   * Capacity of the receive buffers held now (with a large frame being read straight into it), for
   * tests of memory use. Read without the lock (a receiver blocked in a read holds it), so only a
   * snapshot.
   */
  int bufferCapacity() {
    ByteBuffer large = body;
    return in.capacity() + (large == null ? 0 : large.capacity());
  }
}
