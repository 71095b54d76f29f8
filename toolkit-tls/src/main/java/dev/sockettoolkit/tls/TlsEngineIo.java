package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import dev.sockettoolkit.core.internal.ConnectionCounters.Outcome;
import dev.sockettoolkit.core.internal.ConnectionState;
import dev.sockettoolkit.core.internal.ConnectionState.State;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The SSLEngine driver behind {@link TlsConnection}: the handshake, and the order of things when
 * closing. Records are read by {@link TlsReader} and written by {@link TlsWriter}; what the three
 * share is in {@link TlsState}. The layers go one way: this class uses the reader and the writer,
 * the reader asks the writer to send what the engine needs (a KeyUpdate answer, a close_notify
 * reply), which never makes a reader wait behind a blocked writer.
 */
final class TlsEngineIo {
  /** How long close() waits for a busy writer before it closes without close_notify. */
  private static final long CLOSE_LOCK_WAIT_MILLIS = 100;
  /** How long and how much a connection whose handshake failed reads before it closes. */
  private static final Duration FAILURE_LINGER = Duration.ofMillis(200);
  private static final int FAILURE_LINGER_BYTES = 64 * 1024;

  private final TlsState tls;
  private final Connection transport;
  private final SSLEngine engine;
  private final TlsConfig config;
  private final ReentrantLock handshakeLock = new ReentrantLock();
  private final TlsWriter writer;
  private final TlsReader reader;

  private volatile boolean handshakeDone;
  private volatile IOException handshakeFailure;
  private volatile TlsSession session;
  /** Whether the engine keeps reading after it sent close_notify (the JDK's does). */
  private final boolean halfCloses;
  /** The SNI name the client asked for, seen during the handshake (server side); may stay null. */
  private String requestedServerName;

  TlsEngineIo(Connection transport, SSLEngine engine, TlsConfig config) {
    this.tls =
        new TlsState(
            transport, engine, config.timeSource().orElse(transport.timeSource()),
            config.keyMaterial() != null,
            TlsProviders.isNative(config.provider().orElse(null)));
    this.transport = transport;
    this.engine = engine;
    this.config = config;
    this.halfCloses = TlsProviders.halfCloses(config.provider().orElse(null));
    this.writer = new TlsWriter(tls, this::explain);
    this.reader = new TlsReader(tls, writer, !TlsProviders.halfCloses(config.provider().orElse(null)));
  }

  Connection transport() {
    return transport;
  }

  TimeSource time() {
    return tls.time;
  }

  private String peer() {
    return tls.peer();
  }

  TlsSession session() {
    TlsSession current = session;
    if (current == null) {
      throw new IllegalStateException("the TLS handshake has not finished: call handshake() first");
    }
    return current;
  }

  boolean isOpen() {
    return tls.state.isOpen() && transport.isOpen();
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
      tls.state.checkOpen("handshake with", peer());
      long started = System.nanoTime();
      TlsHandshakeEvent event = new TlsHandshakeEvent();
      event.begin();
      try {
        try {
          runHandshake();
        } catch (IOException e) {
          throw e instanceof TlsHandshakeException || e instanceof ConnectionTimeoutException
              ? e
              : explain(e);
        }
        session = TlsSession.of(engine, requestedServerName);
        reader.refuseHandshakeRecords(!"TLSv1.3".equals(session.protocol()));
        handshakeDone = true;
        handshakeEnded(event, started, null);
      } catch (IOException | RuntimeException e) {
        // The JDK's engine can throw unchecked exceptions on hostile input (a ClassCastException
        // for a HelloRequest sent to a server): still a failed handshake, with the cause kept.
        IOException failure =
            e instanceof IOException
                ? (IOException) e
                : new TlsHandshakeException(
                    Reason.OTHER, "the TLS engine failed on what " + peer() + " sent: " + e, e);
        handshakeFailure = failure;
        tls.state.close();
        handshakeEnded(event, started, failure);
        if (failure instanceof ConnectionTimeoutException) {
          ConnectionCounters.of(transport).ending(Outcome.HANDSHAKE_TIMEOUT);
          transport.abort();
        } else {
          ConnectionCounters.of(transport).ending(Outcome.FAILED);
          closeAfterFailure();
        }
        throw failure;
      }
    } finally {
      handshakeLock.unlock();
    }
  }

  /** Counts a finished handshake, ok when {@code failure} is null, and records its JFR event. */
  private void handshakeEnded(TlsHandshakeEvent event, long started, IOException failure) {
    String outcome;
    if (failure == null) {
      outcome = "ok";
    } else if (failure instanceof TlsHandshakeException e) {
      outcome = e.reason().name().toLowerCase(Locale.ROOT);
    } else if (failure instanceof ConnectionTimeoutException) {
      outcome = "timeout";
    } else {
      outcome = "failed";
    }
    TlsSession agreed = failure == null ? session : null;
    ConnectionCounters.of(transport)
        .handshake(outcome, agreed == null ? null : agreed.protocol(), System.nanoTime() - started);
    event.end();
    if (event.shouldCommit()) {
      event.side = engine.getUseClientMode() ? "client" : "server";
      event.outcome = outcome;
      event.remoteAddress = String.valueOf(transport.remoteAddress());
      if (agreed != null) {
        event.protocol = agreed.protocol();
        event.cipherSuite = agreed.cipherSuite();
        event.peerPrincipal = agreed.peerPrincipal().map(Object::toString).orElse("");
        event.alpn = agreed.applicationProtocol();
      } else {
        event.protocol = "";
        event.cipherSuite = "";
        event.peerPrincipal = "";
        event.alpn = "";
      }
      event.commit();
    }
  }

  private ConnectionClosedException closedAfter(IOException failure) {
    ConnectionClosedException e =
        new ConnectionClosedException(
            "the TLS handshake with " + peer() + " failed earlier: " + failure.getMessage());
    e.initCause(failure);
    return e;
  }

  /**
   * A server remembers the SNI name from the handshake session once the ClientHello is in:
   * Bouncy Castle JSSE keeps it only there.
   */
  private void noteRequestedServerName() {
    if (requestedServerName != null || engine.getUseClientMode()) {
      return;
    }
    try {
      requestedServerName = SniKeyManager.requestedHostName(engine.getHandshakeSession());
    } catch (UnsupportedOperationException e) {
      // This provider keeps no SNI in its handshake session either.
    }
  }

  private void runHandshake() throws IOException {
    long deadline = tls.time.nanoTime() + config.handshakeTimeout().toNanos();
    int handshakeBytes = 0;
    int idle = 0;
    try {
      engine.beginHandshake();
      HandshakeStatus status = engine.getHandshakeStatus();
      while (true) {
        switch (status) {
          case NEED_TASK:
            tls.runTasks();
            status = engine.getHandshakeStatus();
            break;
          case NEED_WRAP: {
            SSLEngineResult result = writer.wrapFlight();
            if (result.getStatus() == Status.CLOSED) {
              throw new TlsHandshakeException(Reason.OTHER, "the engine closed during the handshake with " + peer(), null);
            }
            idle = result.bytesProduced() == 0 ? idle + 1 : 0;
            status = result.getHandshakeStatus();
            break;
          }
          case NEED_UNWRAP:
          case NEED_UNWRAP_AGAIN: {
            if (status == HandshakeStatus.NEED_UNWRAP && reader.recordLength() < 0) {
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
            SSLEngineResult result = reader.unwrapIntoAppIn();
            if (result.getStatus() == Status.CLOSED) {
              throw new TlsHandshakeException(Reason.PEER_CLOSED, peer() + " sent close_notify during the handshake", null);
            }
            if (result.getStatus() == Status.BUFFER_UNDERFLOW) {
              handshakeBytes += fillHandshake(deadline);
              continue;
            }
            idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
            status = result.getHandshakeStatus();
            noteRequestedServerName();
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
        if (idle > TlsState.MAX_IDLE_STEPS) {
          throw new TlsHandshakeException(Reason.OTHER, "the TLS engine made no progress with " + peer(), null);
        }
      }
    } catch (SSLException e) {
      sendAlertQuietly();
      throw tls.handshakeFailure(e, false);
    }
  }

  /** Reads handshake bytes, turning read timeouts into the handshake timeout. */
  private int fillHandshake(long deadline) throws IOException {
    long remaining = deadline - tls.time.nanoTime();
    if (remaining <= 0) {
      throw handshakeTimeout(null);
    }
    int n;
    try {
      n = reader.fill(Duration.ofNanos(remaining));
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
              + (tls.client ? " (is it a TLS server? does it accept TLS 1.2/1.3 and our certificate?)" : ""),
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


  /** Best effort: send the alert the engine queued after a failure, so the peer learns why. */
  private void sendAlertQuietly() {
    try {
      for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
        SSLEngineResult result = writer.wrapAndFlush();
        if (result.bytesProduced() == 0) {
          break;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // The peer may be gone already; the failure being reported matters more.
    }
  }

  /** A failed write, explained by an alert the peer sent before it closed, if there is one. */
  private IOException explain(IOException failure) {
    return reader.explain(failure);
  }

  /** {@link TlsReader#readNow}, once the handshake is done and reading is allowed; else 0. */
  int readNow(ByteBuffer dst) throws IOException {
    if (!handshakeDone || !dst.hasRemaining() || !halfCloses && tls.state.isOutputShutDown()) {
      return 0; // a plain read does the handshake, or says why it cannot read
    }
    return reader.readNow(dst);
  }

  int read(ByteBuffer dst, Duration timeout) throws IOException {
    if (dst == null) {
      throw new NullPointerException("dst");
    }
    handshake();
    if (!halfCloses && tls.state.isOutputShutDown()) {
      // Conscrypt and Bouncy Castle stop reading once they have sent close_notify: what the peer
      // sends now would vanish, and an end of stream here would be a lie.
      throw new ConnectionClosedException(
          "cannot read from " + peer() + " after shutdownOutput(): the "
              + TlsProviders.describe(config.provider().orElse(null))
              + " TLS provider cannot half-close (its engine stops reading once it has sent"
              + " close_notify); read the replies before closing, or use the JDK's provider");
    }
    return reader.read(dst, timeout, false);
  }

  byte[] sslSessionId() {
    return engine.getSession().getId();
  }

  /** Bytes held now for received data, for tests of memory use. */
  int inputBufferCapacity() {
    return reader.bufferedCapacity();
  }

  // ---- writing and closing ----

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
    writer.write(srcs);
  }

  void shutdownOutput() throws IOException {
    handshake();
    writer.closeOutput(0, () -> {
      if (tls.state.shutDownOutput()) {
        return true;
      }
      if (tls.state.isOutputShutDown()) {
        return false; // done before: nothing more to send
      }
      throw ConnectionState.closed("shut down output of", peer());
    });
  }

  void close() throws IOException {
    State before = tls.state.close();
    if (before == State.CLOSED) {
      return;
    }
    try {
      if (handshakeDone && before == State.OPEN) {
        // A writer blocked on a stalled peer holds the lock: then skip close_notify, the
        // transport close below releases it. The peer reads our close_notify and end of stream
        // now, not after the linger below.
        try {
          writer.closeOutput(CLOSE_LOCK_WAIT_MILLIS, () -> true);
        } catch (IOException | RuntimeException ignored) {
          // The peer is gone or the transport broke: closing is all that is left.
        }
      }
      if (handshakeDone && !config.closeNotifyTimeout().isZero()) {
        // Closing a socket with unread input makes the OS send a reset, which can destroy the
        // reply still in flight to the peer. Read (and discard) until the peer's close_notify or
        // end of stream, for a bounded time.
        reader.drainUntilPeerCloses(config.closeNotifyTimeout());
      }
    } finally {
      transport.close();
    }
  }

  void abort() {
    tls.abort();
  }

  /**
   * After a failed handshake: the engine's alert is on its way; half-close, then read and discard
   * what the peer still sends (its next flight, usually) for a moment before closing. Closing with
   * unread input would make the OS reset the connection, and the reset can overtake the alert, so
   * the peer would see "connection reset" instead of the reason.
   */
  private void closeAfterFailure() {
    try {
      transport.shutdownOutput();
      ByteBuffer scratch = ByteBuffer.allocate(8192);
      long deadline = tls.time.nanoTime() + FAILURE_LINGER.toNanos();
      int drained = 0;
      while (drained < FAILURE_LINGER_BYTES) {
        long remaining = deadline - tls.time.nanoTime();
        if (remaining <= 0) {
          break;
        }
        scratch.clear();
        int n = transport.read(scratch, Duration.ofNanos(remaining));
        if (n < 0) {
          break;
        }
        drained += n;
      }
    } catch (IOException | RuntimeException ignored) {
      // Timeout, reset, or already closed: closing is all that is left.
    }
    closeQuietly(transport);
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
    return (tls.client ? "client" : "server") + " " + transport.localAddress() + " -> " + peer()
        + (session == null ? "" : ", " + session.protocol())
        + (tls.state.isClosed() ? ", closed" : "");
  }
}
