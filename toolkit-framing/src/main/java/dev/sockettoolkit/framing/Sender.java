package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import dev.sockettoolkit.core.internal.CombiningWriter;
import dev.sockettoolkit.core.internal.CombiningWriter.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The sending half of a {@link MessageChannel}: encodes frames into an {@link OutboundBuffer} and
 * writes them with as few gathering writes as possible.
 *
 * <p>Concurrent senders combine through a {@link CombiningWriter}: whoever holds its lock encodes
 * the messages other threads queued together with its own and writes them all at once, so {@code
 * send} still returns only after its own frame was written.
 *
 * <p>Between sends a sender holds nothing but its lock: the {@link OutboundBuffer} is borrowed for
 * each time the lock is held, and the batch is made the first time two threads send at once.
 */
final class Sender<T> implements CombiningWriter.Combiner<T> {
  /** Further rounds a holder of the lock runs for messages queued meanwhile, before it returns. */
  private static final int EXTRA_ROUNDS = 4;

  private final Connection connection;
  private final FrameCodec<T> codec;
  /** Counts each message encoded; called under the lock, so one writer at a time. */
  private final ConnectionCounters counters;
  private final CombiningWriter<T> writer = new CombiningWriter<>(this);
  /** Borrowed while the lock is held, when first needed; null otherwise. */
  private OutboundBuffer out;
  /** Messages encoded since the last write, whose senders wait for its outcome; made on first use. */
  private List<Request<T>> batch;

  Sender(Connection connection, FrameCodec<T> codec, ConnectionCounters counters) {
    this.connection = connection;
    this.codec = codec;
    this.counters = counters;
  }

  void send(T message) throws IOException {
    writer.write(Objects.requireNonNull(message, "message"));
  }

  /**
   * Under the lock: encodes {@code own} (throwing, with nothing sent, if it cannot be encoded) and
   * the messages other threads queued, writes everything encoded, and repeats a few times for
   * messages queued meanwhile, bounded so that this sender returns under sustained load.
   */
  @Override
  public void combine(T own, CombiningWriter<T> queued) throws IOException {
    if (own != null) {
      encode(own);
    }
    writeQueued();
    for (int round = 0; round < EXTRA_ROUNDS && writer.hasQueued(); round++) {
      writeQueued();
    }
  }

  /** Gives the buffer back before the lock is released. */
  @Override
  public void beforeUnlock() {
    OutboundBuffer borrowed = out;
    if (borrowed != null) {
      out = null;
      borrowed.release();
    }
  }

  void sendAll(Collection<? extends T> messages) throws IOException {
    Objects.requireNonNull(messages, "messages");
    writer.exclusively(() -> {
      for (T message : messages) {
        try {
          encode(Objects.requireNonNull(message, "messages contains null"));
        } catch (IOException | RuntimeException e) {
          flush(); // the messages before it are sent
          throw e;
        }
        if (out.shouldFlush()) {
          out.flushTo(connection);
        }
      }
      flush();
    });
  }

  /** Runs {@code action} once no send is in progress, with further sends held back meanwhile. */
  void exclusively(CombiningWriter.Action action) throws IOException {
    writer.exclusively(action);
  }

  /** Whether a buffer is borrowed now, for tests of memory use; a snapshot, read without the lock. */
  boolean holdsBuffer() {
    return out != null;
  }

  /** The buffer to encode into, borrowed if this holder of the lock has none yet. */
  private OutboundBuffer out() {
    if (out == null) {
      out = OutboundBuffer.borrow();
    }
    return out;
  }

  /** Writes what is encoded, if anything. */
  private void flush() throws IOException {
    if (out != null) {
      out.flushTo(connection);
    }
  }

  private void encode(T message) throws IOException {
    OutboundBuffer buffer = out();
    buffer.beginFrame();
    try {
      codec.encode(message, buffer);
    } catch (IOException | RuntimeException e) {
      buffer.abortFrame();
      throw e;
    }
    counters.messageWritten();
  }

  /** Encodes the messages other threads queued and writes everything encoded. */
  private void writeQueued() throws IOException {
    for (Request<T> r; (r = writer.poll()) != null; ) {
      try {
        encode(r.item());
        if (batch == null) {
          batch = new ArrayList<>();
        }
        batch.add(r);
      } catch (IOException e) {
        r.fail(e);
      } catch (RuntimeException e) {
        r.fail(new IOException("the codec failed to encode the message: " + e, e));
      }
      if (out.shouldFlush()) {
        write();
      }
    }
    write();
  }

  /** Writes what is encoded and tells the batch's senders; on failure also the queued ones. */
  private void write() throws IOException {
    try {
      flush();
    } catch (IOException e) {
      if (batch != null) {
        for (Request<T> r : batch) {
          r.fail(e);
        }
        batch.clear();
      }
      writer.failQueued(e);
      throw e;
    }
    if (batch != null) {
      for (Request<T> r : batch) {
        r.complete();
      }
      batch.clear();
    }
  }
}
