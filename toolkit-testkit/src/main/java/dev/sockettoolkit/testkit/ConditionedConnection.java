package dev.sockettoolkit.testkit;

import com.google.common.util.concurrent.RateLimiter;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionResetException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Applies {@link NetworkConditions} to the bytes this end writes (chunking, faults, bandwidth,
 * latency) and caps what each read returns (chunking). Wrapping both ends of a pair makes both
 * directions hostile.
 */
final class ConditionedConnection extends ForwardingConnection {
  private final NetworkConditions conditions;
  private final Chunking chunking;
  private final Random writeRandom;
  private final Random readRandom;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final RateLimiter limiter;
  /** Under a bandwidth limit, no piece is larger than 20 ms worth of bytes, so pacing is smooth. */
  private final int maxPiece;
  private final DelayLine delayLine;
  private final List<Fault> offsetFaults = new ArrayList<>();
  private final List<Fault> randomFaults = new ArrayList<>();
  private long offset;

  ConditionedConnection(Connection delegate, NetworkConditions conditions, long stream) {
    super(delegate);
    this.conditions = conditions;
    this.chunking = conditions.chunking();
    this.writeRandom = conditions.random(2 * stream);
    this.readRandom = conditions.random(2 * stream + 1);
    this.limiter =
        conditions.bytesPerSecond() > 0 ? RateLimiter.create(conditions.bytesPerSecond()) : null;
    this.maxPiece =
        limiter == null ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(1 << 20, conditions.bytesPerSecond() / 50));
    this.delayLine =
        conditions.delays() ? new DelayLine(delegate, conditions, conditions.random(-stream - 1)) : null;
    for (Fault fault : conditions.faults()) {
      (fault.offset() >= 0 ? offsetFaults : randomFaults).add(fault);
    }
    offsetFaults.sort(Comparator.comparingLong(Fault::offset));
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int savedLimit = capRead(dst);
    try {
      return delegate.read(dst);
    } finally {
      dst.limit(savedLimit);
    }
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    int savedLimit = capRead(dst);
    try {
      return delegate.read(dst, timeout);
    } finally {
      dst.limit(savedLimit);
    }
  }

  private int capRead(ByteBuffer dst) {
    int savedLimit = dst.limit();
    if (!chunking.isWhole() && dst.hasRemaining()) {
      dst.limit(dst.position() + chunking.next(readRandom, dst.remaining()));
    }
    return savedLimit;
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    writeLock.lock();
    try {
      if (delayLine != null) {
        delayLine.checkHealthy();
      }
      for (ByteBuffer src : srcs) {
        while (src.hasRemaining()) {
          writeChunk(src);
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void writeChunk(ByteBuffer src) throws IOException {
    for (Fault fault : randomFaults) {
      if (writeRandom.nextDouble() < fault.probability()) {
        if (fault.kind() == Fault.Kind.CORRUPT) {
          send(corrupted(src, 1, 0));
          return;
        }
        inject(fault);
      }
    }
    int n = chunking.next(writeRandom, Math.min(src.remaining(), maxPiece));
    Fault next = offsetFaults.isEmpty() ? null : offsetFaults.get(0);
    if (next != null && next.offset() < offset + n) {
      int before = (int) (next.offset() - offset);
      if (next.kind() == Fault.Kind.CORRUPT) {
        offsetFaults.remove(0);
        send(corrupted(src, n, before));
        return;
      }
      if (before > 0) {
        send(take(src, before, false));
        return;
      }
      offsetFaults.remove(0);
      inject(next);
      return;
    }
    send(take(src, n, delayLine != null));
  }

  /** The next {@code n} bytes of {@code src} with the byte at {@code index} changed. */
  private ByteBuffer corrupted(ByteBuffer src, int n, int index) {
    ByteBuffer copy = take(src, n, true);
    int flip = 1 + writeRandom.nextInt(255);
    copy.put(index, (byte) (copy.get(index) ^ flip));
    return copy;
  }

  /** The next {@code n} bytes of {@code src}, as a view or a copy, advancing {@code src}. */
  private static ByteBuffer take(ByteBuffer src, int n, boolean copy) {
    ByteBuffer piece = src.slice().limit(n);
    src.position(src.position() + n);
    if (!copy) {
      return piece;
    }
    ByteBuffer owned = ByteBuffer.allocate(n);
    owned.put(piece).flip();
    return owned;
  }

  private void send(ByteBuffer piece) throws IOException {
    int n = piece.remaining();
    if (limiter != null && n > 0) {
      pace(n);
    }
    if (delayLine != null) {
      delayLine.send(piece);
    } else {
      delegate.write(piece);
    }
    offset += n;
  }

  /**
   * Holds back {@code n} bytes to the bandwidth: by the rate limiter in real time, or, under a
   * virtual clock, by sleeping the time the bytes take on the wire.
   */
  private void pace(int n) throws IOException {
    if (delegate.timeSource() instanceof VirtualClock) {
      sleep(Duration.ofNanos(n * 1_000_000_000L / conditions.bytesPerSecond()));
    } else {
      limiter.acquire(n);
    }
  }

  private void inject(Fault fault) throws IOException {
    String where = "injected " + fault + " at byte " + offset + " of " + delegate.localAddress()
        + " -> " + delegate.remoteAddress() + "; " + conditions;
    switch (fault.kind()) {
      case STALL:
        if (delayLine != null) {
          delayLine.stall(fault.stallDuration());
        } else {
          sleep(fault.stallDuration());
        }
        return;
      case RESET:
        abort();
        throw new ConnectionResetException(where);
      case END_OF_STREAM:
        if (delayLine != null) {
          delayLine.shutdownOutput();
        } else {
          delegate.shutdownOutput();
        }
        throw new ConnectionResetException(where);
      default:
        throw new IllegalStateException("not an action: " + fault);
    }
  }

  /** Waits {@code duration} of the connection's time: virtual under a {@link VirtualClock}. */
  private void sleep(Duration duration) throws IOException {
    try {
      if (delegate.timeSource() instanceof VirtualClock clock) {
        clock.sleep(duration);
      } else {
        Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted during an injected stall");
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    writeLock.lock();
    try {
      if (delayLine != null) {
        delayLine.shutdownOutput();
      } else {
        delegate.shutdownOutput();
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    if (delayLine != null) {
      delayLine.close();
    } else {
      delegate.close();
    }
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen() && (delayLine == null || delayLine.isOpen());
  }

  @Override
  public void abort() {
    if (delayLine != null) {
      delayLine.abort();
    } else {
      delegate.abort();
    }
  }
}
