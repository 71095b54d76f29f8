package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The outbound half of {@link TlsEngineIo}: every {@code wrap} happens here, under one lock, into
 * {@code netOut} (room for four maximum records, borrowed from {@link CiphertextBufferPool} only while
 * the lock is held), which is flushed to the transport whenever it cannot take another record.
 *
 * <p>Writes use flat combining: a writer queues its buffers and tries the lock; the holder wraps
 * every queued write in one gathering {@code wrap}, so writers that pile up behind a slow
 * transport share full 16 KiB records instead of each sending a tiny one. A lone write goes out
 * at once. Output the engine needs on its own (a KeyUpdate answer, a close_notify reply) is sent
 * by the reader only if the lock is free, otherwise by the current holder on its way out.
 */
final class TlsWriter {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Most queued writes one lock holder wraps for others before it returns. */
  private static final int MAX_COMBINED_WRITES = 64;
  /** How often a parked writer re-checks its write and the lock, in case a wake-up was lost. */
  private static final long WRITER_RECHECK_MILLIS = 10;

  private final TlsEngineIo io;
  private final SSLEngine engine;
  private final Connection transport;
  private final int packetSize;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentLinkedQueue<PendingWrite> pending = new ConcurrentLinkedQueue<>();
  private final List<PendingWrite> batch = new ArrayList<>(); // guarded by lock
  private final int outCapacity;
  private ByteBuffer netOut; // guarded by lock; borrowed for each locked section
  private volatile boolean wrapPending;

  /** A write waiting for the lock; whoever holds the lock may wrap it with its own. */
  private static final class PendingWrite {
    final ByteBuffer[] srcs;
    final Thread writer;
    volatile boolean done;
    volatile IOException failure;

    PendingWrite(ByteBuffer[] srcs, Thread writer) {
      this.srcs = srcs;
      this.writer = writer;
    }
  }

  TlsWriter(TlsEngineIo io, SSLEngine engine, Connection transport, int packetSize) {
    this.io = io;
    this.engine = engine;
    this.transport = transport;
    this.packetSize = packetSize;
    this.outCapacity = bufferSize(packetSize);
  }

  /** The size of a pooled ciphertext buffer: four records, so a 64 KiB burst is one write. */
  static int bufferSize(int packetSize) {
    return 4 * packetSize;
  }

  /** The lock every wrap holds; closing takes it to send close_notify. */
  ReentrantLock lock() {
    return lock;
  }

  /**
   * Writes {@code srcs}, possibly together with other threads' writes. A writer that finds the
   * lock taken parks until its write is done or the lock may be free; it re-checks at least every
   * {@value #WRITER_RECHECK_MILLIS} ms, so a lost wake-up costs latency, never liveness.
   */
  void write(ByteBuffer[] srcs) throws IOException {
    PendingWrite mine = new PendingWrite(srcs, Thread.currentThread());
    pending.add(mine);
    while (!mine.done) {
      boolean locked = lock.tryLock();
      if (!locked && Thread.currentThread().isInterrupted()) {
        // park would return at once forever: wait for the lock the plain way instead.
        lock.lock();
        locked = true;
      }
      if (locked) {
        try {
          if (!mine.done) {
            borrow();
            try {
              writeBatch(mine);
            } finally {
              giveBack();
            }
          }
        } finally {
          lock.unlock();
        }
        PendingWrite next = pending.peek();
        if (next != null) {
          LockSupport.unpark(next.writer); // the next combiner
        }
        break;
      }
      LockSupport.parkNanos(this, WRITER_RECHECK_MILLIS * 1_000_000L);
    }
    wrapIfPending();
    if (mine.failure != null) {
      throw mine.failure;
    }
  }

  /** Wraps {@code mine} and the writes queued behind it, in arrival order; each stays contiguous. */
  private void writeBatch(PendingWrite mine) {
    batch.clear();
    try {
      io.checkWritable();
      netOut.clear();
      boolean sawMine = false;
      int buffers = 0;
      PendingWrite next;
      while ((next = pending.poll()) != null) {
        batch.add(next);
        buffers += next.srcs.length;
        sawMine |= next == mine;
        if (sawMine && batch.size() >= MAX_COMBINED_WRITES) {
          break;
        }
      }
      if (batch.size() == 1) {
        wrapInto(batch.get(0).srcs);
      } else {
        // One gathering wrap over every queued write: small writes share full records.
        ByteBuffer[] all = new ByteBuffer[buffers];
        int i = 0;
        for (PendingWrite write : batch) {
          System.arraycopy(write.srcs, 0, all, i, write.srcs.length);
          i += write.srcs.length;
        }
        wrapInto(all);
      }
      wrapHandshakeOutput();
      flushNetOut();
      for (PendingWrite write : batch) {
        write.done = true;
      }
    } catch (IOException e) {
      IOException reported = translateFailure(e);
      for (PendingWrite write : batch) {
        write.failure = reported;
        write.done = true;
      }
      if (!mine.done) {
        pending.remove(mine);
        mine.failure = reported;
        mine.done = true;
      }
    } finally {
      for (PendingWrite write : batch) {
        if (write != mine) {
          LockSupport.unpark(write.writer);
        }
      }
      batch.clear();
    }
  }

  private IOException translateFailure(IOException e) {
    if (e instanceof SSLException) {
      io.abort();
      return TlsConnection.recordFailure((SSLException) e, io.peer());
    }
    if (e instanceof ConnectionClosedException || e instanceof ConnectionTimeoutException) {
      return e;
    }
    return io.explain(e);
  }

  /** Wraps all of {@code srcs} into netOut, flushing whenever it cannot take another record. */
  private void wrapInto(ByteBuffer[] srcs) throws IOException {
    int idle = 0;
    while (hasRemaining(srcs)) {
      if (netOut.remaining() < packetSize) {
        flushNetOut();
      }
      SSLEngineResult result = engine.wrap(srcs, netOut);
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        io.runTasks();
      }
      switch (result.getStatus()) {
        case OK:
          break;
        case BUFFER_OVERFLOW:
          if (netOut.position() == 0) {
            throw new IOException("TLS record larger than the output buffer of " + netOut.capacity() + " bytes");
          }
          flushNetOut();
          break;
        case CLOSED:
          flushNetOut();
          throw new ConnectionClosedException(
              "cannot write to " + io.peer() + ": the TLS session is closed (close_notify was sent or,"
                  + " under TLS 1.2, received)");
        default:
          throw new IllegalStateException("unexpected wrap status " + result.getStatus());
      }
      idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
      if (idle > TlsEngineIo.MAX_IDLE_STEPS) {
        throw new IOException("the TLS engine made no progress writing to " + io.peer());
      }
    }
  }

  private static boolean hasRemaining(ByteBuffer[] srcs) {
    for (ByteBuffer src : srcs) {
      if (src.hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  /** One handshake flight (or alert): wraps once and sends it. Used during the handshake. */
  SSLEngineResult wrapAndFlush() throws IOException {
    lock.lock();
    borrow();
    try {
      SSLEngineResult result = engine.wrap(EMPTY, netOut);
      flushNetOut();
      return result;
    } finally {
      giveBack();
      lock.unlock();
    }
  }

  private void borrow() {
    netOut = CiphertextBufferPool.acquire(outCapacity);
  }

  private void giveBack() {
    ByteBuffer buffer = netOut;
    netOut = null;
    CiphertextBufferPool.release(buffer);
  }

  /** Wraps whatever the engine needs to send on its own (KeyUpdate, close_notify); caller holds the lock. */
  private void wrapHandshakeOutput() throws IOException {
    wrapPending = false;
    for (int i = 0;
        i < TlsEngineIo.MAX_IDLE_STEPS && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
        i++) {
      if (netOut.remaining() < packetSize) {
        flushNetOut();
      }
      SSLEngineResult result = engine.wrap(EMPTY, netOut);
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        io.runTasks();
      }
      if (result.bytesProduced() == 0) {
        break;
      }
    }
  }

  private void flushNetOut() throws IOException {
    netOut.flip();
    try {
      if (netOut.hasRemaining()) {
        transport.write(netOut);
      }
    } finally {
      netOut.clear();
    }
  }

  /** Called by the reader: send what the engine needs now if nobody is writing, else leave it to the writer. */
  void requestWrap() {
    wrapPending = true;
    wrapIfPending();
  }

  private void wrapIfPending() {
    while (wrapPending && !io.isClosed() && lock.tryLock()) {
      try {
        if (wrapPending) {
          borrow();
          try {
            wrapHandshakeOutput();
            flushNetOut();
          } finally {
            giveBack();
          }
        }
      } catch (IOException | RuntimeException e) {
        // The writer or reader will see the broken transport on its next call.
        wrapPending = false;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Sends close_notify; caller holds the lock. */
  void sendCloseNotify() throws IOException {
    engine.closeOutbound();
    borrow();
    try {
      wrapHandshakeOutput();
      flushNetOut();
    } finally {
      giveBack();
    }
  }
}
