package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The SSLEngine driver behind {@link TlsConnection}.
 *
 * <p>Inbound: {@code netIn} holds ciphertext in read mode; a record is unwrapped only once its
 * header says it is complete, straight into the caller's buffer when it fits, else into {@code
 * appIn}. Outbound: every wrap happens under {@code writeLock}, into {@code netOut}, which is
 * flushed when it cannot hold another full record. A reader that must send (KeyUpdate response,
 * close_notify reply) does so only if the write lock is free; otherwise it leaves a flag and the
 * writer sends it on its way out, so a reader never waits behind a blocked writer.
 */
final class TlsEngineIo {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Consecutive engine calls that consume and produce nothing before we call it a stall. */
  private static final int MAX_IDLE_STEPS = 8;
  /** Most queued writes one lock holder wraps for others before it returns. */
  private static final int MAX_COMBINED_WRITES = 64;
  /** How often a parked writer re-checks its write and the lock, in case a wake-up was lost. */
  private static final long WRITER_RECHECK_MILLIS = 10;

  private final Connection transport;
  private final SSLEngine engine;
  private final TlsConfig config;
  private final boolean client;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock handshakeLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<PendingWrite> pending = new ConcurrentLinkedQueue<>();
  private final List<PendingWrite> batch = new ArrayList<>(); // guarded by writeLock

  private final ByteBuffer netIn;
  private ByteBuffer appIn;
  private final ByteBuffer netOut;
  private final int packetSize;

  private volatile boolean handshakeDone;
  private volatile IOException handshakeFailure;
  private volatile TlsSession session;
  private volatile boolean closed;
  private volatile boolean outputShutdown;
  private volatile boolean wrapPending;
  // Guarded by readLock after the handshake, by handshakeLock during it.
  private boolean inboundDone;
  private boolean sawFirstRecord;
  private volatile boolean refuseHandshakeRecords;
  private IOException readFailure;

  TlsEngineIo(Connection transport, SSLEngine engine, TlsConfig config) {
    this.transport = transport;
    this.engine = engine;
    this.config = config;
    this.client = engine.getUseClientMode();
    this.packetSize = Math.max(engine.getSession().getPacketBufferSize(), TlsRecords.MAX_RECORD_LENGTH);
    this.netIn = ByteBuffer.allocate(2 * packetSize).limit(0);
    this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).limit(0);
    this.netOut = ByteBuffer.allocate(2 * packetSize);
  }

  Connection transport() {
    return transport;
  }

  String peer() {
    return String.valueOf(transport.remoteAddress());
  }

  TlsSession session() {
    TlsSession current = session;
    if (current == null) {
      throw new IllegalStateException("the TLS handshake has not finished: call handshake() first");
    }
    return current;
  }

  boolean isOpen() {
    return !closed && transport.isOpen();
  }

  // ---- handshake ----

  void handshake() throws IOException {
    if (handshakeDone) {
      return;
    }
    // Its own lock, not the read and write locks: a reader that finished the handshake and went
    // on to block in read() must not keep a writer waiting here (it would wait forever for data
    // the writer has not sent). Reads and writes start only after this returns.
    handshakeLock.lock();
    try {
      if (handshakeDone) {
        return;
      }
      if (handshakeFailure != null) {
        throw closedAfter(handshakeFailure);
      }
      if (closed) {
        throw new ConnectionClosedException("cannot handshake with " + peer() + ": the connection is closed");
      }
      try {
        try {
          runHandshake();
        } catch (IOException e) {
          throw e instanceof TlsHandshakeException || e instanceof ConnectionTimeoutException
              ? e
              : explain(e);
        }
        session = TlsSession.of(engine);
        refuseHandshakeRecords = !"TLSv1.3".equals(session.protocol());
        handshakeDone = true;
      } catch (IOException | RuntimeException e) {
        IOException failure = e instanceof IOException ? (IOException) e : new IOException(e);
        handshakeFailure = failure;
        closed = true;
        if (failure instanceof ConnectionTimeoutException) {
          transport.abort();
        } else {
          closeQuietly(transport);
        }
        throw failure;
      }
    } finally {
      handshakeLock.unlock();
    }
  }

  private ConnectionClosedException closedAfter(IOException failure) {
    ConnectionClosedException e =
        new ConnectionClosedException(
            "the TLS handshake with " + peer() + " failed earlier: " + failure.getMessage());
    e.initCause(failure);
    return e;
  }

  private void runHandshake() throws IOException {
    long deadline = System.nanoTime() + config.handshakeTimeout().toNanos();
    int handshakeBytes = 0;
    int idle = 0;
    try {
      engine.beginHandshake();
      HandshakeStatus status = engine.getHandshakeStatus();
      while (true) {
        switch (status) {
          case NEED_TASK:
            runTasks();
            status = engine.getHandshakeStatus();
            break;
          case NEED_WRAP: {
            netOut.clear();
            SSLEngineResult result = engine.wrap(EMPTY, netOut);
            flushNetOut();
            if (result.getStatus() == Status.CLOSED) {
              throw new TlsHandshakeException(Reason.OTHER, "the engine closed during the handshake with " + peer(), null);
            }
            idle = result.bytesProduced() == 0 ? idle + 1 : 0;
            status = result.getHandshakeStatus();
            break;
          }
          case NEED_UNWRAP:
          case NEED_UNWRAP_AGAIN: {
            if (status == HandshakeStatus.NEED_UNWRAP && recordLength() < 0) {
              int n = fillHandshake(deadline);
              handshakeBytes += n;
              if (handshakeBytes > config.maxHandshakeBytes()) {
                throw new TlsHandshakeException(
                    Reason.LIMIT_EXCEEDED,
                    peer() + " sent more than " + config.maxHandshakeBytes()
                        + " bytes during the handshake; raise TlsConfig maxHandshakeBytes(...) if its"
                        + " certificate chain is really that large",
                    null);
              }
              idle = 0;
              continue;
            }
            SSLEngineResult result = unwrapIntoAppIn();
            if (result.getStatus() == Status.CLOSED) {
              throw new TlsHandshakeException(Reason.PEER_CLOSED, peer() + " sent close_notify during the handshake", null);
            }
            if (result.getStatus() == Status.BUFFER_UNDERFLOW) {
              handshakeBytes += fillHandshake(deadline);
              continue;
            }
            idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
            status = result.getHandshakeStatus();
            break;
          }
          case FINISHED:
          case NOT_HANDSHAKING:
            status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.FINISHED || status == HandshakeStatus.NOT_HANDSHAKING) {
              return;
            }
            break;
          default:
            throw new IllegalStateException("unexpected handshake status " + status);
        }
        if (idle > MAX_IDLE_STEPS) {
          throw new TlsHandshakeException(Reason.OTHER, "the TLS engine made no progress with " + peer(), null);
        }
      }
    } catch (SSLException e) {
      sendAlertQuietly();
      throw new TlsHandshakeException(
          TlsHandshakeException.classify(e), "with " + peer() + ": " + e.getMessage(), e);
    }
  }

  /** Reads handshake bytes, turning read timeouts into the handshake timeout. */
  private int fillHandshake(long deadline) throws IOException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw handshakeTimeout(null);
    }
    int n;
    try {
      n = fill(Duration.ofNanos(remaining));
    } catch (ConnectionTimeoutException e) {
      if (e.kind() == ConnectionTimeoutException.Kind.READ) {
        throw handshakeTimeout(e);
      }
      throw e;
    }
    if (n < 0) {
      throw new TlsHandshakeException(
          Reason.PEER_CLOSED,
          peer() + " closed the connection during the handshake"
              + (client ? " (is it a TLS server? does it accept TLS 1.2/1.3 and our certificate?)" : ""),
          null);
    }
    return n;
  }

  private ConnectionTimeoutException handshakeTimeout(Throwable cause) {
    ConnectionTimeoutException e =
        new ConnectionTimeoutException(
            ConnectionTimeoutException.Kind.HANDSHAKE,
            config.handshakeTimeout(),
            "TLS handshake with " + peer() + " did not finish; raise TlsConfig handshakeTimeout(...)"
                + " if the peer is slow but alive");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Best effort: send the alert the engine queued after a failure, so the peer learns why. */
  private void sendAlertQuietly() {
    try {
      for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
        netOut.clear();
        SSLEngineResult result = engine.wrap(EMPTY, netOut);
        flushNetOut();
        if (result.bytesProduced() == 0) {
          break;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // The peer may be gone already; the failure being reported matters more.
    }
  }

  /** How long a failed write waits for the alert that may explain it. */
  private static final Duration ALERT_WAIT = Duration.ofMillis(500);

  /**
   * A write failed because the peer closed or reset the connection: often it did so after
   * sending an alert (it rejected our certificate, say). If no other thread is reading, read
   * what is left for a short while; an alert found there becomes the reported failure.
   */
  private IOException explain(IOException failure) {
    if (!readLock.tryLock()) {
      return failure;
    }
    try {
      long deadline = System.nanoTime() + ALERT_WAIT.toNanos();
      for (int i = 0; i < 16; i++) {
        if (recordLength() < 0) {
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0 || fill(Duration.ofNanos(remaining)) < 0) {
            return failure;
          }
          continue;
        }
        unwrapIntoAppIn();
      }
    } catch (SSLException e) {
      TlsHandshakeException explained =
          new TlsHandshakeException(
              TlsHandshakeException.classify(e), "with " + peer() + ": " + e.getMessage(), e);
      explained.addSuppressed(failure);
      return explained;
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    } finally {
      readLock.unlock();
    }
    return failure;
  }

  // ---- reading ----

  /**
   * The length of the complete record at netIn's position, or -1. Also enforces the first-record
   * check and, after a TLS 1.2 handshake, refuses renegotiation.
   */
  private int recordLength() throws IOException {
    int length = TlsRecords.completeRecordLength(netIn, !sawFirstRecord, client, peer());
    if (netIn.hasRemaining()) {
      sawFirstRecord = true;
    }
    if (length > 0 && refuseHandshakeRecords
        && (netIn.get(netIn.position()) & 0xff) == TlsRecords.HANDSHAKE) {
      throw new TlsHandshakeException(
          Reason.RENEGOTIATION_REFUSED,
          peer() + " started a TLS 1.2 renegotiation; the connection is closed",
          null);
    }
    return length;
  }

  /** Reads more ciphertext into netIn; returns the count, or -1 at end of stream. */
  private int fill(Duration timeout) throws IOException {
    netIn.compact();
    try {
      if (!netIn.hasRemaining()) {
        throw new TlsHandshakeException(Reason.LIMIT_EXCEEDED, "TLS input buffer full without a complete record", null);
      }
      return timeout == null ? transport.read(netIn) : transport.read(netIn, timeout);
    } finally {
      netIn.flip();
    }
  }

  private SSLEngineResult unwrapIntoAppIn() throws SSLException {
    appIn.compact();
    try {
      SSLEngineResult result = engine.unwrap(netIn, appIn);
      if (result.getStatus() == Status.BUFFER_OVERFLOW) {
        int needed = engine.getSession().getApplicationBufferSize();
        if (appIn.position() == 0 && appIn.capacity() < needed) {
          appIn = ByteBuffer.allocate(needed);
        }
      }
      return result;
    } finally {
      appIn.flip();
    }
  }

  int read(ByteBuffer dst, Duration timeout) throws IOException {
    if (dst == null) {
      throw new NullPointerException("dst");
    }
    handshake();
    readLock.lock();
    try {
      if (closed) {
        throw new ConnectionClosedException("cannot read " + peer() + ": the connection is closed");
      }
      if (readFailure != null) {
        throw readFailure;
      }
      if (!dst.hasRemaining()) {
        return 0;
      }
      long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
      int idle = 0;
      boolean viaAppIn = false;
      while (true) {
        if (appIn.hasRemaining()) {
          return transfer(appIn, dst);
        }
        if (inboundDone) {
          return -1;
        }
        int length = recordLength();
        if (length < 0) {
          Duration wait = null;
          if (timeout != null) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
              throw new ConnectionTimeoutException(
                  ConnectionTimeoutException.Kind.READ, timeout,
                  "no complete TLS record arrived from " + peer() + " within the timeout passed to read");
            }
            wait = Duration.ofNanos(remaining);
          }
          int filled;
          try {
            filled = fill(wait);
          } catch (ConnectionTimeoutException e) {
            if (timeout == null || e.kind() != ConnectionTimeoutException.Kind.READ) {
              throw e;
            }
            // Report the timeout the caller passed, not what was left of it for the last read.
            throw new ConnectionTimeoutException(
                ConnectionTimeoutException.Kind.READ, timeout,
                "no complete TLS record arrived from " + peer() + " within the timeout passed to read");
          }
          if (filled < 0) {
            throw truncated();
          }
          continue;
        }
        SSLEngineResult result;
        boolean direct = !viaAppIn && dst.remaining() >= length;
        if (direct) {
          result = engine.unwrap(netIn, dst);
        } else {
          result = unwrapIntoAppIn();
        }
        afterUnwrap(result);
        switch (result.getStatus()) {
          case OK:
            if (direct && result.bytesProduced() > 0) {
              return result.bytesProduced();
            }
            break;
          case CLOSED:
            inboundDone = true;
            break;
          case BUFFER_OVERFLOW:
            // The engine wants more room than the record length suggests: go through appIn,
            // which unwrapIntoAppIn has grown to the session's application buffer size.
            viaAppIn = true;
            break;
          case BUFFER_UNDERFLOW:
            if (fill(null) < 0) {
              throw truncated();
            }
            break;
          default:
            throw new IllegalStateException("unexpected unwrap status " + result.getStatus());
        }
        idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
        if (idle > MAX_IDLE_STEPS) {
          throw new IOException("the TLS engine made no progress reading from " + peer());
        }
      }
    } catch (SSLException e) {
      transport.abort();
      closed = true;
      readFailure = TlsConnection.recordFailure(e, peer());
      throw readFailure;
    } catch (TlsHandshakeException e) {
      transport.abort();
      closed = true;
      readFailure = e;
      throw e;
    } finally {
      readLock.unlock();
    }
  }

  private void afterUnwrap(SSLEngineResult result) throws IOException {
    HandshakeStatus status = result.getHandshakeStatus();
    if (status == HandshakeStatus.NEED_TASK) {
      runTasks();
      status = engine.getHandshakeStatus();
    }
    if (status == HandshakeStatus.NEED_WRAP) {
      requestWrap();
    }
  }

  private TlsTruncationException truncated() {
    try {
      engine.closeInbound();
    } catch (SSLException expected) {
      // The engine complains about the missing close_notify, which is what we report.
    }
    TlsTruncationException e =
        new TlsTruncationException(
            peer() + " closed the connection without a TLS close_notify: the data may have been"
                + " truncated (the peer crashed, or someone cut the connection)");
    readFailure = e;
    return e;
  }

  private static int transfer(ByteBuffer from, ByteBuffer to) {
    int n = Math.min(from.remaining(), to.remaining());
    if (n == from.remaining()) {
      to.put(from);
    } else {
      ByteBuffer slice = from.duplicate();
      slice.limit(slice.position() + n);
      to.put(slice);
      from.position(from.position() + n);
    }
    return n;
  }

  // ---- writing ----

  /** A write waiting for the write lock; whoever holds the lock may wrap it with its own. */
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

  /**
   * Writes {@code srcs} (flat combining). The writer queues its buffers and tries the lock; the
   * holder wraps every queued write in one go and wakes their threads, so writers that pile up
   * behind a slow transport share full records instead of each sending a tiny one. A writer that
   * finds the lock taken parks until its write is done or the lock may be free; it re-checks at
   * least every {@value #WRITER_RECHECK_MILLIS} ms, so a lost wake-up costs latency, not liveness.
   */
  void write(ByteBuffer[] srcs) throws IOException {
    if (srcs == null) {
      throw new NullPointerException("srcs");
    }
    for (ByteBuffer src : srcs) {
      if (src == null) {
        throw new NullPointerException("srcs contains null");
      }
    }
    handshake();
    PendingWrite mine = new PendingWrite(srcs, Thread.currentThread());
    pending.add(mine);
    while (!mine.done) {
      boolean locked = writeLock.tryLock();
      if (!locked && Thread.currentThread().isInterrupted()) {
        // park would return at once forever: wait for the lock the plain way instead.
        writeLock.lock();
        locked = true;
      }
      if (locked) {
        try {
          if (!mine.done) {
            writeBatch(mine);
          }
        } finally {
          writeLock.unlock();
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

  /**
   * Wraps this thread's write and every write queued behind the lock, in arrival order, into as
   * few full records and transport writes as possible. Each write's bytes stay contiguous.
   */
  private void writeBatch(PendingWrite mine) {
    batch.clear();
    try {
      if (closed) {
        throw new ConnectionClosedException("cannot write to " + peer() + ": the connection is closed");
      }
      if (outputShutdown) {
        throw new ConnectionClosedException(
            "cannot write to " + peer() + ": output was shut down (close_notify sent)");
      }
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
      IOException reported = translateWriteFailure(e);
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

  private IOException translateWriteFailure(IOException e) {
    if (e instanceof SSLException) {
      abort();
      return TlsConnection.recordFailure((SSLException) e, peer());
    }
    if (e instanceof ConnectionClosedException || e instanceof ConnectionTimeoutException) {
      return e;
    }
    return explain(e);
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
        runTasks();
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
              "cannot write to " + peer() + ": the TLS session is closed (close_notify was sent or,"
                  + " under TLS 1.2, received)");
        default:
          throw new IllegalStateException("unexpected wrap status " + result.getStatus());
      }
      idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
      if (idle > MAX_IDLE_STEPS) {
        throw new IOException("the TLS engine made no progress writing to " + peer());
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

  /** Wraps whatever the engine needs to send on its own (KeyUpdate, close_notify); caller holds writeLock. */
  private void wrapHandshakeOutput() throws IOException {
    wrapPending = false;
    for (int i = 0; i < MAX_IDLE_STEPS && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
      if (netOut.remaining() < packetSize) {
        flushNetOut();
      }
      SSLEngineResult result = engine.wrap(EMPTY, netOut);
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        runTasks();
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
  private void requestWrap() {
    wrapPending = true;
    wrapIfPending();
  }

  private void wrapIfPending() {
    while (wrapPending && !closed && writeLock.tryLock()) {
      try {
        if (wrapPending) {
          netOut.clear();
          wrapHandshakeOutput();
          flushNetOut();
        }
      } catch (IOException | RuntimeException e) {
        // The writer or reader will see the broken transport on its next call.
        wrapPending = false;
      } finally {
        writeLock.unlock();
      }
    }
  }

  // ---- closing ----

  void shutdownOutput() throws IOException {
    handshake();
    writeLock.lock();
    try {
      if (closed) {
        throw new ConnectionClosedException("cannot shut down output of " + peer() + ": the connection is closed");
      }
      if (outputShutdown) {
        return;
      }
      outputShutdown = true;
      sendCloseNotify();
      transport.shutdownOutput();
    } finally {
      writeLock.unlock();
    }
  }

  private void sendCloseNotify() throws IOException {
    engine.closeOutbound();
    netOut.clear();
    wrapHandshakeOutput();
    flushNetOut();
  }

  void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (handshakeDone && !outputShutdown) {
        // A writer blocked on a stalled peer holds the lock: then skip close_notify, the
        // transport close below releases it.
        boolean locked = false;
        try {
          locked = writeLock.tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (locked) {
          try {
            outputShutdown = true;
            sendCloseNotify();
          } catch (IOException | RuntimeException ignored) {
            // The peer is gone or the transport broke: closing is all that is left.
          } finally {
            writeLock.unlock();
          }
        }
      }
    } finally {
      transport.close();
    }
  }

  void abort() {
    closed = true;
    transport.abort();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (IOException | RuntimeException ignored) {
      // Closing after a failure: the failure is what gets reported.
    }
  }

  @Override
  public String toString() {
    return (client ? "client" : "server") + " " + transport.localAddress() + " -> " + peer()
        + (session == null ? "" : ", " + session.protocol()) + (closed ? ", closed" : "");
  }
}
