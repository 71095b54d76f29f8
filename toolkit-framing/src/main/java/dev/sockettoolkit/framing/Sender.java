package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a {@link MessageChannel}: encodes frames into an {@link OutboundBuffer} and
 * writes them with as few gathering writes as possible.
 *
 * <p>Concurrent senders combine: a thread that finds the lock taken queues its message and waits
 * for the lock; whoever holds it encodes every queued message too and writes them all at once. A
 * message's sender learns the outcome (written, or the exception) when it gets the lock, so {@code
 * send} still returns only after its own frame was written. No background thread is involved.
 */
final class Sender<T> {
  private final Connection connection;
  private final FrameCodec<T> codec;
  private final ReentrantLock lock = new ReentrantLock();
  private final OutboundBuffer out = new OutboundBuffer(BufferPool.SHARED);
  private final ConcurrentLinkedQueue<Pending<T>> waiting = new ConcurrentLinkedQueue<>();
  /** Messages encoded since the last write, whose senders wait for its outcome. */
  private final List<Pending<T>> batch = new ArrayList<>();

  Sender(Connection connection, FrameCodec<T> codec) {
    this.connection = connection;
    this.codec = codec;
  }

  void send(T message) throws IOException {
    Objects.requireNonNull(message, "message");
    Pending<T> own = null;
    if (!lock.tryLock()) {
      own = new Pending<>(message);
      waiting.add(own);
      lock.lock();
    }
    IOException failure;
    try {
      if (own != null && own.done) {
        failure = own.failure;
      } else {
        if (own == null) {
          encode(message); // throws, with nothing sent, if the message cannot be encoded
        }
        writeWaiting();
        failure = own == null ? null : own.failure;
      }
    } finally {
      out.release();
      lock.unlock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  void sendAll(Collection<? extends T> messages) throws IOException {
    Objects.requireNonNull(messages, "messages");
    lock.lock();
    try {
      for (T message : messages) {
        try {
          encode(Objects.requireNonNull(message, "messages contains null"));
        } catch (IOException | RuntimeException e) {
          out.flushTo(connection); // the messages before it are sent
          throw e;
        }
        if (out.shouldFlush()) {
          out.flushTo(connection);
        }
      }
      out.flushTo(connection);
    } finally {
      out.release();
      lock.unlock();
    }
  }

  /** Runs {@code action} once no send is in progress, with further sends held back meanwhile. */
  void exclusively(IoAction action) throws IOException {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** Something to run under the send lock. */
  interface IoAction {
    void run() throws IOException;
  }

  private void encode(T message) throws IOException {
    out.beginFrame();
    try {
      codec.encode(message, out);
    } catch (IOException | RuntimeException e) {
      out.abortFrame();
      throw e;
    }
  }

  /** Encodes the messages other threads queued and writes everything encoded. */
  private void writeWaiting() throws IOException {
    for (Pending<T> p; (p = waiting.poll()) != null; ) {
      try {
        encode(p.message);
        batch.add(p);
      } catch (IOException e) {
        p.fail(e);
      } catch (RuntimeException e) {
        p.fail(new IOException("the codec failed to encode the message: " + e, e));
      }
      if (out.shouldFlush()) {
        write();
      }
    }
    write();
  }

  /** Writes what is encoded and tells the batch's senders; on failure also the waiting ones. */
  private void write() throws IOException {
    try {
      out.flushTo(connection);
    } catch (IOException e) {
      for (Pending<T> p : batch) {
        p.fail(e);
      }
      for (Pending<T> p; (p = waiting.poll()) != null; ) {
        p.fail(e);
      }
      batch.clear();
      throw e;
    }
    for (Pending<T> p : batch) {
      p.done = true;
    }
    batch.clear();
  }

  /** A message another thread is sending, waiting for the thread that holds the lock. */
  private static final class Pending<T> {
    final T message;
    volatile boolean done;
    volatile IOException failure;

    Pending(T message) {
      this.message = message;
    }

    void fail(IOException e) {
      failure = e;
      done = true;
    }
  }
}
