package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Whole messages over a {@link Connection}: {@code send} one, {@code receive} one, iterate until
 * the peer ends the stream, close.
 *
 * <pre>{@code
 * FrameCodec<String> codec = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build());
 * try (MessageChannel<String> channel = MessageChannel.open(Client.connect("localhost:7000"), codec)) {
 *   channel.send("hello");
 *   for (String reply : channel) {                // until the peer ends its stream
 *     System.out.println(reply);
 *   }
 * }
 * }</pre>
 *
 * <h2>Sending</h2>
 * {@link #send} returns once the frame has been handed to the connection. It is safe from several
 * threads and never interleaves two frames. When several threads send at once, one of them writes
 * the frames of the others too, in one gathering write; {@link #sendAll} coalesces a batch the same
 * way. Small frames are copied into a pooled buffer, large payloads are written without a copy.
 *
 * <h2>Receiving</h2>
 * {@link #receive()} blocks for the next whole message and returns {@code null} once the peer has
 * ended its stream cleanly between two frames (and on every call after that); iteration and
 * {@link #stream()} stop there. An end of stream inside a frame is a {@link
 * TruncatedFrameException}. Receiving is meant for one thread at a time (concurrent receivers are
 * serialised). A {@link ConnectionTimeoutException} of kind {@code READ} leaves the channel usable:
 * the bytes received so far stay buffered for the next call. Messages from {@code receive} are
 * the caller's to keep. To forward or echo without copying, {@link #receiveBatch} lends every
 * message that one read brought, for the duration of a handler:
 *
 * <pre>{@code
 * while (channel.receiveBatch(channel::sendAll)) {}  // echo: one write per batch, no copies
 * }</pre>
 *
 * <h2>Errors</h2>
 * A {@link FrameException} from the decoder is terminal: the channel closes the connection and
 * every later {@code receive} throws the same exception. The exception is a {@link
 * FrameTooLongException} with {@link FrameTooLongException#discarded()} true, for a codec built
 * with {@link TooLongPolicy#DISCARD}: then the frame is skipped and the channel stays open. A
 * failure of the connection while receiving (anything but a {@code READ} timeout) is terminal
 * too: the channel gives back its buffers, and every later {@code receive} throws that exception
 * again.
 *
 * <h2>Memory</h2>
 * The channel reads into one reused buffer, as much as the connection has (up to 64 KiB a read),
 * and decodes every frame in it before reading again; the body of a large length-prefixed frame
 * (32 KiB or more) is read straight into the frame instead. While no frame is partly received it holds
 * only a {@value InboundBuffer#SMALL}-byte buffer of its own; large buffers come from small pools
 * shared by all channels and go back when the traffic stops, so an idle channel costs little
 * memory. Where it saves a copy they are direct buffers, at most {@value BufferPool#MAX_DIRECT}
 * of 64 KiB out at once in the JVM, heap buffers beyond that. No buffer grows past the codec's
 * maximum frame size plus a small constant.
 *
 * @param <T> the type of the messages
 */
public final class MessageChannel<T> implements Iterable<T>, AutoCloseable {
  /**
   * Bodies of at least this many bytes are read straight into their frame once the header has
   * arrived, instead of into the receive buffer and copied from there.
   */
  static final int DIRECT_BODY = 32 * 1024;

  private final Connection connection;
  private final FrameCodec<T> codec;

  private final Sender<T> sender;

  private final ReentrantLock receiveLock = new ReentrantLock();
  private final FrameDecoder<T> decoder;
  private final InboundBuffer in;
  /** The decoder, if it can hand over large frames early (then {@code T} is ByteBuffer); or null. */
  private final LargeBodies largeBodies;
  /** The decoder, if it can return views of the receive buffer; or null. */
  private final FrameLending lending;
  /**
   * A large frame whose body is being read straight into it, in write mode; or null. A direct one
   * is from {@link BufferPool#DIRECT} (lent bodies only), a heap one the caller's to keep.
   */
  private ByteBuffer body;
  /** Whether a {@link #receiveBatch} handler may be running: messages may be views. */
  private boolean inHandler;
  /** The pooled buffer of a large frame in the batch being handled, given back after it; or null. */
  private ByteBuffer lent;
  /** The batch being handled, and its read-only view; made on first use. */
  private List<T> batch;
  private List<T> batchView;
  /** A skipped too-long frame met while gathering a batch, thrown by the next receive; or null. */
  private FrameTooLongException deferred;

  private boolean endOfStream;
  private boolean ended;
  private IOException failure;
  private volatile boolean closed;

  private MessageChannel(Connection connection, FrameCodec<T> codec) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.decoder = Objects.requireNonNull(codec.newDecoder(), "codec.newDecoder()");
    this.sender = new Sender<>(connection, codec);
    this.largeBodies = decoder instanceof LargeBodies ? (LargeBodies) decoder : null;
    this.lending = decoder instanceof FrameLending ? (FrameLending) decoder : null;
    // A length-prefix decoder reads only headers: its bytes can stay in direct memory. Decoders
    // that scan every byte do it fastest in a heap array.
    this.in =
        new InboundBuffer(
            largeBodies != null ? BufferPool.DIRECT : BufferPool.HEAP, codec.maxFrameSize());
  }

  /**
   * A channel that sends and receives {@code codec}'s frames over {@code connection}. The channel
   * owns the connection from now on: closing one closes the other, and reading or writing the
   * connection directly would corrupt the stream of frames.
   */
  public static <T> MessageChannel<T> open(Connection connection, FrameCodec<T> codec) {
    return new MessageChannel<>(connection, codec);
  }

  /** The underlying connection, for its addresses and {@link Connection#shutdownOutput()}. */
  public Connection connection() {
    return connection;
  }

  /** The codec of this channel. */
  public FrameCodec<T> codec() {
    return codec;
  }

  // ---- sending ----

  /**
   * Sends one message, blocking until it has been handed to the connection.
   *
   * @throws FrameTooLongException if the encoded frame is over the codec's maximum; nothing is
   *     sent and the channel stays usable
   * @throws MalformedFrameException if the codec cannot encode the message; nothing is sent
   * @throws IOException if the connection failed
   */
  public void send(T message) throws IOException {
    sender.send(message);
  }

  /**
   * Sends several messages, in order, coalesced into as few gathering writes as their size allows
   * (one per 64 KiB or so). If one cannot be encoded, the messages before it have been sent and
   * it and the ones after it have not.
   *
   * @throws FrameTooLongException if a message is over the codec's maximum
   * @throws MalformedFrameException if the codec cannot encode a message
   * @throws IOException if the connection failed
   */
  public void sendAll(Collection<? extends T> messages) throws IOException {
    sender.sendAll(messages);
  }

  // ---- receiving ----

  /**
   * Blocks for the next message, up to the connection's read timeout. Returns {@code null} once
   * the peer has ended its stream cleanly between frames.
   *
   * @throws TruncatedFrameException if the stream ended inside a frame
   * @throws FrameTooLongException if a frame is over the codec's maximum
   * @throws MalformedFrameException if the received bytes break the codec's format
   * @throws ConnectionTimeoutException if the read timeout fired; the channel stays usable
   * @throws IOException if the connection failed
   */
  public T receive() throws IOException {
    // Not through receive(Duration): a thread blocked here keeps every frame under it, and the
    // frames of a parked virtual thread are heap (one less per idle connection).
    receiveLock.lock();
    try {
      checkNotInHandler();
      return receiveLocked(0, null);
    } finally {
      receiveLock.unlock();
    }
  }

  /**
   * Like {@link #receive()}, but waits at most {@code timeout} for the message. A timeout leaves
   * the channel usable: the part of a frame received so far is kept for the next call.
   *
   * @param timeout how long to wait in all; must be positive
   * @throws ConnectionTimeoutException of kind {@code READ} if no whole message arrived in time
   */
  public T receive(Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    receiveLock.lock();
    try {
      checkNotInHandler();
      return receiveLocked(deadline, timeout);
    } finally {
      receiveLock.unlock();
    }
  }

  /**
   * Blocks until at least one message has arrived, up to the connection's read timeout, then
   * passes {@code handler} that message and every further one already received, in order, as one
   * list; returns {@code false}, without calling {@code handler}, once the peer has ended its
   * stream cleanly between frames. The messages are not copied out of the channel's buffers where
   * the codec allows it: byte frames of the library's byte codecs ({@link FrameCodecs#lengthPrefix()},
   * {@link FrameCodecs#delimiter}, {@link FrameCodecs#fixedLength}) are views of the receive
   * buffer, and a large length-prefixed frame (32 KiB to 64 KiB) is read into a pooled direct
   * buffer, so it can be sent on without the JDK's copy into native memory. Use it to forward,
   * echo or parse in place; the list and its buffers are valid only until {@code handler} returns
   * (copy what you keep). Other codecs' messages are owned as with {@link #receive()}.
   *
   * <pre>{@code
   * while (channel.receiveBatch(channel::sendAll)) {}      // an echo server: one write per batch
   * while (in.receiveBatch(out::sendAll)) {}               // a forwarder between two channels
   * }</pre>
   *
   * <p>The handler may send on this or any other channel, and may close this one; it must not
   * receive on this channel ({@link IllegalStateException}). An exception from the handler is
   * thrown from here, the channel stays usable. A codec error met after the batch's first message
   * ends the batch there; {@code handler} gets the messages before it, and the next call throws
   * the error.
   *
   * @return whether {@code handler} was called; {@code false} at the end of the stream
   * @throws IllegalStateException if called from a handler of this channel
   * @throws IOException as {@link #receive()}, with the same exception types
   */
  public boolean receiveBatch(BatchHandler<T> handler) throws IOException {
    return receiveBatch(null, handler);
  }

  /**
   * Like {@link #receiveBatch(BatchHandler)}, but waits at most {@code timeout} for the first
   * message; a timeout leaves the channel usable.
   *
   * @param timeout how long to wait in all; must be positive
   * @throws ConnectionTimeoutException of kind {@code READ} if no whole message arrived in time
   */
  public boolean receiveBatch(Duration timeout, BatchHandler<T> handler) throws IOException {
    Objects.requireNonNull(handler, "handler");
    long deadline = deadline(timeout);
    receiveLock.lock();
    try {
      checkNotInHandler();
      inHandler = true;
      if (lending != null) {
        lending.lendFrames(true);
      }
      try {
        T first = receiveLocked(deadline, timeout);
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
        if (lending != null) {
          lending.lendFrames(false);
        }
        inHandler = false;
        if (batch != null) {
          batch.clear();
        }
        if (lent != null) {
          BufferPool.DIRECT.give(lent);
          lent = null;
        }
        if (closed || failure != null) {
          releaseBuffers();
        }
      }
    } finally {
      receiveLock.unlock();
    }
  }

  /** Adds the messages already received to {@code list}, up to the first error. */
  private void gather(List<T> list) throws IOException {
    while (body == null && !ended && failure == null) {
      T next;
      try {
        next = decodeNext();
      } catch (FrameTooLongException e) {
        if (e.discarded()) {
          deferred = e; // thrown by the next receive, after this batch's messages are handled
        }
        return; // a terminal error is in failure, thrown by the next receive
      } catch (FrameException e) {
        return;
      }
      if (next == null) {
        return;
      }
      list.add(next);
    }
  }

  /**
   * What {@link #receiveBatch} calls with each batch of messages: usually a method reference.
   *
   * <pre>{@code
   * channel.receiveBatch(channel::sendAll);                   // echo
   * channel.receiveBatch(batch -> {                           // keep copies of what outlives it
   *   for (ByteBuffer m : batch) {
   *     store.add(ByteBuffer.allocate(m.remaining()).put(m).flip());
   *   }
   * });
   * }</pre>
   *
   * @param <T> the type of the messages
   */
  @FunctionalInterface
  public interface BatchHandler<T> {
    /**
     * Handles one batch of received messages, in the order they arrived; {@code messages} and
     * the buffers in it are valid only until this method returns.
     *
     * @throws IOException to end {@link #receiveBatch} with it
     */
    void handle(List<T> messages) throws IOException;
  }

  private static long deadline(Duration timeout) {
    if (timeout == null) {
      return 0;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return System.nanoTime() + timeout.toNanos();
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
   * its first message.
   */
  private void throwEarlierError() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (deferred != null) {
      FrameTooLongException e = deferred;
      deferred = null;
      throw e;
    }
  }

  /** The loop of {@link #receive(Duration)}, under the receive lock. */
  private T receiveLocked(long deadline, Duration timeout) throws IOException {
    throwEarlierError();
    while (true) {
      if (ended) {
        return null;
      }
      if (body == null) {
        T frame = decodeNext();
        if (frame != null) {
          return frame;
        }
        if (endOfStream) {
          ended = true;
          in.release();
          return null;
        }
        if (largeBodies != null) {
          BufferPool lendFrom = inHandler ? BufferPool.DIRECT : null; // owned frames: heap
          body = largeBodies.takeBody(in.data(), DIRECT_BODY, BufferPool.BUFFER_SIZE, lendFrom);
          if (body != null) {
            in.afterBody();
          }
        }
      }
      Duration wait = null;
      if (timeout != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw receiveTimeout(timeout, null);
        }
        wait = Duration.ofNanos(left);
      }
      int n;
      try {
        n = body != null ? readBody(wait) : in.readFrom(connection, wait);
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
      if (body != null) {
        if (n < 0) {
          throw fail(new TruncatedFrameException(body.position(), body.remaining()));
        }
        if (!body.hasRemaining()) {
          return takeFrame();
        }
      } else if (n < 0) {
        endOfStream = true;
      }
    }
  }

  /** Reads more of a large frame's body straight into it. */
  private int readBody(Duration wait) throws IOException {
    return wait == null ? connection.read(body) : connection.read(body, wait);
  }

  /**
   * The large frame whose body is complete; only {@link LargeBodies} decoders make one. A pooled
   * body is lent to a batch handler and given back after it; if a plain receive completes it (a
   * batch timed out in the middle of the body), the caller gets a heap copy, as from every receive.
   */
  @SuppressWarnings("unchecked")
  private T takeFrame() {
    ByteBuffer frame = body.flip();
    body = null;
    if (frame.isDirect()) {
      if (inHandler) {
        lent = frame;
      } else {
        ByteBuffer owned = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
        BufferPool.DIRECT.give(frame);
        frame = owned;
      }
    }
    return (T) frame; // the decoder is a FrameDecoder<ByteBuffer>, so T is ByteBuffer
  }

  /** Drops a partly read large body, giving it back to the pool if it came from there. */
  private void releaseBody() {
    if (body != null && body.isDirect()) {
      BufferPool.DIRECT.give(body);
    }
    body = null;
  }

  /** Drops every receive buffer; a closed or failed channel receives nothing more. */
  private void releaseBuffers() {
    releaseBody();
    in.release();
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

  /**
   * Returns the next message if it has already been received, without reading from the
   * connection: {@code null} if none is complete in the receive buffer (or the stream has
   * ended). Lets a loop take every message that one read brought and answer them with one {@link
   * #sendAll}:
   *
   * <pre>{@code
   * for (T first; (first = channel.receive()) != null; ) {
   *   replies.add(handle(first));
   *   for (T next; (next = channel.receiveBuffered()) != null; ) {
   *     replies.add(handle(next));
   *   }
   *   channel.sendAll(replies);                   // one write for the whole batch
   *   replies.clear();
   * }
   * }</pre>
   *
   * @throws FrameException as {@link #receive()}
   */
  public T receiveBuffered() throws IOException {
    receiveLock.lock();
    try {
      checkNotInHandler();
      throwEarlierError();
      if (ended || endOfStream || body != null) {
        return null;
      }
      return decodeNext();
    } finally {
      receiveLock.unlock();
    }
  }

  private T decodeNext() throws IOException {
    try {
      return endOfStream ? decoder.decodeAtEnd(in.data()) : decoder.decode(in.data());
    } catch (FrameTooLongException e) {
      if (e.discarded()) {
        throw e;
      }
      throw fail(e);
    } catch (FrameException e) {
      throw fail(e);
    }
  }

  /**
   * Records a failure of the connection as terminal (the rest of the stream is lost) and gives
   * the receive buffers back, so a channel that is never closed does not keep them.
   */
  private IOException connectionFailed(IOException e) {
    failure = e;
    if (!inHandler) {
      releaseBuffers(); // else once the handler has returned: its messages may be views of them
    }
    return e;
  }

  /** Records a terminal decoding error and closes the connection. */
  private IOException fail(FrameException e) {
    failure = e;
    if (!inHandler) {
      releaseBuffers(); // else once the handler has returned: its messages may be views of them
    }
    try {
      connection.close();
    } catch (IOException closeFailure) {
      e.addSuppressed(closeFailure);
    }
    return e;
  }

  /**
   * Iterates over the received messages until the peer ends the stream cleanly. An {@link
   * IOException} while receiving is thrown as an {@link UncheckedIOException}.
   */
  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = receive();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the peer ended the stream");
        }
        T result = next;
        next = null;
        return result;
      }
    };
  }

  /**
   * The received messages as a sequential stream that ends when the peer ends its stream cleanly.
   * Closing the stream does not close the channel. An {@link IOException} while receiving is
   * thrown as an {@link UncheckedIOException}.
   */
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  // ---- closing ----

  /** Whether {@link #close()} has not been called and the connection is open. */
  public boolean isOpen() {
    return !closed && connection.isOpen();
  }

  /**
   * Closes the channel and its connection gracefully: waits for sends in progress, then closes
   * the connection, which delivers everything sent before the peer reads end of stream. A thread
   * blocked in {@link #receive()} is released with an exception. Idempotent.
   */
  @Override
  public void close() throws IOException {
    try {
      sender.exclusively(() -> {
        closed = true;
        connection.close();
      });
    } finally {
      if (receiveLock.tryLock()) {
        try {
          if (!inHandler) {
            releaseBuffers(); // else once the handler has returned
          }
        } finally {
          receiveLock.unlock();
        }
      }
    }
  }

  /**
   * Capacity of the receive buffers held now (with a large frame being read straight into it), for
   * tests of memory use. Read without the receive lock (a receiver blocked in a read holds it), so
   * only a snapshot.
   */
  int receiveBufferCapacity() {
    ByteBuffer large = body;
    return in.capacity() + (large == null ? 0 : large.capacity());
  }

  @Override
  public String toString() {
    return "MessageChannel{" + codec + " over " + connection + "}";
  }
}
