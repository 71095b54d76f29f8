package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
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
 * memory. Where it saves a copy they are direct buffers, at most 128 of 64 KiB out at once in the
 * JVM, heap buffers beyond that. No buffer grows past the codec's
 * maximum frame size plus a small constant.
 *
 * @param <T> the type of the messages
 */
public final class MessageChannel<T> implements Iterable<T>, AutoCloseable {
  private final Connection connection;
  private final FrameCodec<T> codec;
  private final Sender<T> sender;
  private final Receiver<T> receiver;

  private MessageChannel(Connection connection, FrameCodec<T> codec) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.codec = Objects.requireNonNull(codec, "codec");
    ConnectionCounters counters = ConnectionCounters.of(connection);
    counters.framed();
    this.sender = new Sender<>(connection, codec, counters);
    this.receiver = new Receiver<>(connection, codec, counters);
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
    return receiver.receive();
  }

  /**
   * Like {@link #receive()}, but waits at most {@code timeout} for the message. A timeout leaves
   * the channel usable: the part of a frame received so far is kept for the next call.
   *
   * @param timeout how long to wait in all; must be positive
   * @throws ConnectionTimeoutException of kind {@code READ} if no whole message arrived in time
   */
  public T receive(Duration timeout) throws IOException {
    return receiver.receive(timeout);
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
   * ends the batch there; {@code handler} gets the messages before it and may still answer them
   * (the connection is closed once it returns), and the next call throws the error.
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
    return receiver.receiveBatch(timeout, handler);
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
    return receiver.receiveBuffered();
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
    return !receiver.isClosed() && connection.isOpen();
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
        receiver.markClosed();
        connection.close();
      });
    } finally {
      receiver.releaseIfIdle();
    }
  }

  /**
   * Capacity of the receive buffers held now (with a large frame being read straight into it), for
   * tests of memory use; a snapshot.
   */
  int receiveBufferCapacity() {
    return receiver.bufferCapacity();
  }

  @Override
  public String toString() {
    return "MessageChannel{" + codec + " over " + connection + "}";
  }
}
