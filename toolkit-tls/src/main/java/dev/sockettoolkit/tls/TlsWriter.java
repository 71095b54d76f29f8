package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.CombiningWriter;
import dev.sockettoolkit.core.internal.CombiningWriter.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The outbound half of a TLS connection: every {@code wrap} happens here, under the lock of a
 * {@link CombiningWriter}, into {@code netOut} (room for four maximum records, borrowed from
 * {@link TlsState#CIPHERTEXT} only while the lock is held), which is flushed to the transport
 * whenever it cannot take another record.
 *
 * <p>Writers combine: the holder of the lock wraps every queued write with its own in one
 * gathering {@code wrap}, so writers that pile up behind a slow transport share full 16 KiB
 * records instead of each sending a tiny one. A lone write goes out at once. Output the engine
 * needs on its own (a KeyUpdate answer, a close_notify reply) is sent by the reader only if the
 * lock is free, otherwise by the current holder on its way out.
 */
final class TlsWriter implements CombiningWriter.Combiner<ByteBuffer[]> {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Most queued writes one lock holder wraps for others before it returns. */
  private static final int MAX_COMBINED_WRITES = 64;
  /** How long a writer whose engine a peer's alert closed waits for the reader to record it. */
  private static final Duration ALERT_WAIT = Duration.ofMillis(500);

  private final TlsState tls;
  /** Turns a failed transport write into the failure to report (an alert the peer sent first). */
  private final UnaryOperator<IOException> explain;
  private final CombiningWriter<ByteBuffer[]> writer = new CombiningWriter<>(this);
  private final List<Request<ByteBuffer[]>> batch = new ArrayList<>(); // guarded by the lock
  private ByteBuffer netOut; // guarded by the lock; borrowed for each locked section
  private volatile boolean wrapPending;

  TlsWriter(TlsState tls, UnaryOperator<IOException> explain) {
    this.tls = tls;
    this.explain = explain;
  }

  /** Writes {@code srcs}, possibly together with other threads' writes. */
  void write(ByteBuffer[] srcs) throws IOException {
    try {
      writer.write(srcs);
    } finally {
      wrapIfPending();
    }
  }

  /**
   * Under the lock: wraps {@code own} (null when it is queued itself) and the writes queued behind
   * it, in arrival order, each contiguous, in one gathering wrap.
   */
  @Override
  public void combine(ByteBuffer[] own, CombiningWriter<ByteBuffer[]> queued) throws IOException {
    borrow();
    batch.clear();
    try {
      tls.state.checkWritable(tls.peerAddress());
      int buffers = own == null ? 0 : own.length;
      for (Request<ByteBuffer[]> next;
          batch.size() < MAX_COMBINED_WRITES && (next = writer.poll()) != null; ) {
        batch.add(next);
        buffers += next.item().length;
      }
      if (batch.isEmpty()) {
        wrapInto(own);
      } else {
        // One gathering wrap over every queued write: small writes share full records.
        ByteBuffer[] all = new ByteBuffer[buffers];
        int i = 0;
        if (own != null) {
          System.arraycopy(own, 0, all, 0, own.length);
          i = own.length;
        }
        for (Request<ByteBuffer[]> write : batch) {
          System.arraycopy(write.item(), 0, all, i, write.item().length);
          i += write.item().length;
        }
        wrapInto(all);
      }
      wrapHandshakeOutput();
      flushNetOut();
      for (Request<ByteBuffer[]> write : batch) {
        write.complete();
      }
    } catch (IOException e) {
      IOException reported = translateFailure(e);
      for (Request<ByteBuffer[]> write : batch) {
        write.fail(reported);
      }
      throw reported;
    } finally {
      batch.clear();
    }
  }

  @Override
  public void beforeUnlock() {
    ByteBuffer buffer = netOut;
    if (buffer != null) {
      netOut = null;
      tls.giveBack(buffer);
    }
  }

  private IOException translateFailure(IOException e) {
    if (tls.fatal() != null) {
      return tls.fatal(); // the peer's alert ended the connection: that is the reason, every time
    }
    if (e instanceof SSLException ssl) {
      IOException failure = tls.recordFailure(ssl);
      tls.abort();
      return failure;
    }
    if (e instanceof ConnectionTimeoutException) {
      return e;
    }
    if (e instanceof ConnectionClosedException) {
      // Closed under us: by close() (then it stays), or because the reader met the peer's alert,
      // which may be a moment from being recorded.
      TlsHandshakeException fatal = engineClosedByPeer() ? tls.awaitFatal(ALERT_WAIT) : null;
      return fatal != null ? fatal : e;
    }
    return explain.apply(e);
  }

  /** Whether the engine ended without this side closing: a fatal alert from the peer. */
  private boolean engineClosedByPeer() {
    return tls.engine.isInboundDone() && !tls.peerClosed
        && !tls.state.isOutputShutDown() && !tls.state.isClosed();
  }

  /** Wraps all of {@code srcs} into netOut, flushing whenever it cannot take another record. */
  private void wrapInto(ByteBuffer[] srcs) throws IOException {
    int idle = 0;
    while (hasRemaining(srcs)) {
      if (netOut.remaining() < tls.packetSize) {
        flushNetOut();
      }
      SSLEngineResult result = tls.engine.wrap(srcs, netOut);
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        tls.runTasks();
      }
      switch (result.getStatus()) {
        case OK -> { }
        case BUFFER_OVERFLOW -> {
          if (netOut.position() == 0) {
            throw new IOException(
                "TLS record larger than the output buffer of " + netOut.capacity() + " bytes");
          }
          flushNetOut();
        }
        case CLOSED -> {
          flushNetOut();
          throw new ConnectionClosedException(
              "cannot write to " + tls.peer() + ": the TLS session is closed (close_notify was"
                  + " sent or, under TLS 1.2, received)");
        }
        default -> throw new IllegalStateException("unexpected wrap status " + result.getStatus());
      }
      idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
      if (idle > TlsState.MAX_IDLE_STEPS) {
        throw new IOException("the TLS engine made no progress writing to " + tls.peer());
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

  /**
   * A whole handshake flight: wraps while the engine has more to send (a TLS 1.2 client's
   * Certificate, ClientKeyExchange, ChangeCipherSpec and Finished come from separate wraps) and
   * sends it in one transport write. A peer that refuses the flight's first message and hangs up
   * then finds the rest unread, and its reset reaches us while we read its alert, not while we
   * write; a write failure would abort the transport and lose the alert that says why.
   */
  SSLEngineResult wrapFlight() throws IOException {
    SSLEngineResult[] result = new SSLEngineResult[1];
    writer.exclusively(() -> {
      borrow();
      for (int i = 0; i <= TlsState.MAX_IDLE_STEPS; i++) {
        result[0] = tls.engine.wrap(EMPTY, netOut);
        if (result[0].getHandshakeStatus() != HandshakeStatus.NEED_WRAP
            || result[0].bytesProduced() == 0
            || result[0].getStatus() != SSLEngineResult.Status.OK
            || netOut.remaining() < tls.packetSize) {
          break;
        }
      }
      if (tls.client) {
        int certificate = TlsRecords.clientCertificateMessage(netOut.duplicate().flip());
        if (certificate != TlsRecords.NO_CERTIFICATE_MESSAGE) {
          tls.certificateRequested = true;
          tls.emptyCertificateSent = certificate == TlsRecords.EMPTY_CERTIFICATE;
        }
      }
      flushNetOut();
    });
    return result[0];
  }

  /** One handshake flight (or alert): wraps once and sends it. Used during the handshake. */
  SSLEngineResult wrapAndFlush() throws IOException {
    SSLEngineResult[] result = new SSLEngineResult[1];
    writer.exclusively(() -> {
      borrow();
      result[0] = tls.engine.wrap(EMPTY, netOut);
      flushNetOut();
    });
    return result[0];
  }

  private void borrow() {
    if (netOut == null) {
      netOut = tls.borrowCiphertext();
    }
    netOut.clear();
  }

  /** Wraps whatever the engine needs to send on its own (KeyUpdate, close_notify); under the lock. */
  private void wrapHandshakeOutput() throws IOException {
    wrapPending = false;
    for (int i = 0;
        i < TlsState.MAX_IDLE_STEPS
            && tls.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
        i++) {
      if (netOut.remaining() < tls.packetSize) {
        flushNetOut();
      }
      SSLEngineResult result = tls.engine.wrap(EMPTY, netOut);
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        tls.runTasks();
      }
      if (result.bytesProduced() == 0) {
        break;
      }
    }
  }

  /**
   * Wraps until the engine's output is done. The JDK's engine asks for the wrap of close_notify
   * (NEED_WRAP), which {@link #wrapHandshakeOutput} did; Conscrypt does not ask, and produces it
   * when wrapped all the same.
   */
  private void wrapCloseNotify() throws IOException {
    for (int i = 0; i < TlsState.MAX_IDLE_STEPS && !tls.engine.isOutboundDone(); i++) {
      if (netOut.remaining() < tls.packetSize) {
        flushNetOut();
      }
      SSLEngineResult result = tls.engine.wrap(EMPTY, netOut);
      if (result.bytesProduced() == 0) {
        break;
      }
    }
  }

  private void flushNetOut() throws IOException {
    netOut.flip();
    try {
      if (netOut.hasRemaining()) {
        tls.transport.write(netOut);
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
    try {
      while (wrapPending && tls.state.isOpen()
          && writer.tryExclusively(0, TimeUnit.MILLISECONDS, this::sendPendingOutput)) {
        // Sent; loop in case the reader asked again meanwhile.
      }
    } catch (IOException | RuntimeException e) {
      // The writer or reader will see the broken transport on its next call.
      wrapPending = false;
    }
  }

  private void sendPendingOutput() throws IOException {
    if (wrapPending) {
      borrow();
      wrapHandshakeOutput();
      flushNetOut();
    }
  }

  /** Decides, under the lock, whether to send close_notify now. */
  @FunctionalInterface
  interface Gate {
    /** Whether to send; may throw to refuse. */
    boolean open() throws IOException;
  }

  /**
   * Once no write is in progress (waiting at most {@code timeoutMillis}; 0: as long as it takes),
   * asks {@code gate} and, if it agrees, sends close_notify and half-closes the transport. Returns
   * whether it sent; false also when the wait timed out.
   */
  boolean closeOutput(long timeoutMillis, Gate gate) throws IOException {
    boolean[] sent = {false};
    CombiningWriter.Action send = () -> {
      if (gate.open()) {
        tls.engine.closeOutbound();
        borrow();
        wrapHandshakeOutput();
        wrapCloseNotify();
        flushNetOut();
        tls.transport.shutdownOutput();
        sent[0] = true;
      }
    };
    if (timeoutMillis == 0) {
      writer.exclusively(send);
    } else {
      writer.tryExclusively(timeoutMillis, TimeUnit.MILLISECONDS, send);
    }
    return sent[0];
  }
}
