package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import dev.sockettoolkit.core.internal.BufferPool;
import dev.sockettoolkit.core.internal.ConnectionState;
import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * What the two halves of a TLS connection share: the engine, the transport, the connection's
 * state and the ciphertext buffers. The layers go one way: {@link TlsEngineIo} (handshake and
 * closing) uses {@link TlsReader} and {@link TlsWriter}, the reader asks the writer to send what
 * the engine needs to send, and all three use this; nothing here calls back up.
 */
final class TlsState {
  /** Consecutive engine calls that consume and produce nothing before we call it a stall. */
  static final int MAX_IDLE_STEPS = 8;
  /**
   * Ciphertext buffers shared by every TLS connection in the JVM, four maximum records each, so a
   * 64 KiB burst is one transport write. A connection holds one for its output only while it is
   * wrapping and sending, and one for its input only while records are arriving, so an idle
   * connection holds none. They only ever hold ciphertext, which is what goes on the wire anyway;
   * heap buffers, because the JDK's engine (and Bouncy Castle's) is slower with direct ones.
   */
  static final BufferPool CIPHERTEXT = BufferPool.heap(4 * TlsRecords.MAX_RECORD_LENGTH);
  /** Direct ciphertext buffers out at once in the JVM, at most. */
  static final int MAX_DIRECT_CIPHERTEXT = 128;
  /**
   * The same for engines that work on native memory (Conscrypt): direct buffers, which the engine
   * reads and writes in place and the socket without a copy, where a heap buffer costs a copy into
   * the engine's own direct buffer and another through the JDK's temporary one. At most {@value
   * #MAX_DIRECT_CIPHERTEXT} are out at once (about 9 MiB of native memory), heap ones past that.
   */
  static final BufferPool CIPHERTEXT_DIRECT =
      BufferPool.direct(4 * TlsRecords.MAX_RECORD_LENGTH, MAX_DIRECT_CIPHERTEXT);

  final Connection transport;
  /** How to read {@link #transport} without waiting, or null if it cannot. */
  final ReadsWithoutWaiting transportNow;
  /** The clock of the handshake and closing timeouts. */
  final TimeSource time;
  final SSLEngine engine;
  final boolean client;
  /** The largest record the engine writes or reads, header included. */
  final int packetSize;
  final ConnectionState state = new ConnectionState("close_notify sent");
  /** Whether this side has a certificate it could present (a client with keyMaterial). */
  private final boolean hasKeyMaterial;
  /**
   * The peer's fatal alert after the handshake (under TLS 1.3 a server refuses the client's
   * certificate only after the client finished): once set, every later read and write reports it,
   * not the closed engine or connection it left behind.
   */
  private volatile TlsHandshakeException fatal;
  private final CountDownLatch fatalSet = new CountDownLatch(1);
  /** Set by the reader on the peer's close_notify: an ended engine then means a clean close. */
  volatile boolean peerClosed;
  /** A TLS 1.2 client: the server asked for a certificate (our flight carried a Certificate message). */
  volatile boolean certificateRequested;
  /** A TLS 1.2 client: the Certificate message it sent had no certificate. */
  volatile boolean emptyCertificateSent;

  /** {@link #CIPHERTEXT}, or {@link #CIPHERTEXT_DIRECT} for a native engine. */
  private final BufferPool ciphertext;

  TlsState(
      Connection transport, SSLEngine engine, TimeSource time, boolean hasKeyMaterial,
      boolean nativeEngine) {
    this.ciphertext = nativeEngine ? CIPHERTEXT_DIRECT : CIPHERTEXT;
    this.transport = transport;
    this.transportNow = ReadsWithoutWaiting.of(transport);
    this.time = time;
    this.engine = engine;
    this.hasKeyMaterial = hasKeyMaterial;
    this.client = engine.getUseClientMode();
    this.packetSize =
        Math.max(engine.getSession().getPacketBufferSize(), TlsRecords.MAX_RECORD_LENGTH);
  }

  /** The peer's address, for messages. */
  String peer() {
    return String.valueOf(transport.remoteAddress());
  }

  /**
   * The peer's address as an object, for checks on every read and write that name it only when
   * they fail: {@link #peer()} would build the string each time.
   */
  Object peerAddress() {
    return transport.remoteAddress();
  }

  /** A cleared ciphertext buffer of four records, for {@link #giveBack}. */
  ByteBuffer borrowCiphertext() {
    return ciphertext.take(4 * packetSize);
  }

  /** Returns a buffer from {@link #borrowCiphertext()}. */
  void giveBack(ByteBuffer buffer) {
    ciphertext.give(buffer);
  }

  void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Closes at once: the state, then the transport, with a reset. */
  void abort() {
    state.close();
    transport.abort();
  }

  /**
   * The exception for a TLS failure after the handshake. A fatal alert that judges the handshake
   * (under TLS 1.3 a server rejects a client certificate only after the client finished) becomes
   * a {@link TlsHandshakeException}; anything else, such as a record that fails to decrypt, an
   * {@code IOException} naming the peer.
   */
  IOException recordFailure(SSLException e) {
    TlsHandshakeException.Reason reason = TlsHandshakeException.classify(e);
    if (reason != TlsHandshakeException.Reason.OTHER) {
      TlsHandshakeException failure = handshakeFailure(e, true);
      if (fatal == null) {
        fatal = failure;
        fatalSet.countDown();
      }
      return fatal;
    }
    return new IOException("TLS error on the connection with " + peer() + ": " + e.getMessage(), e);
  }

  /** The peer's fatal alert after the handshake, if one arrived; see {@link #recordFailure}. */
  TlsHandshakeException fatal() {
    return fatal;
  }

  /**
   * Waits at most {@code timeout} for another thread (the reader) to find the peer's fatal alert;
   * the alert, or null.
   */
  TlsHandshakeException awaitFatal(Duration timeout) {
    try {
      fatalSet.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return fatal;
  }

  /**
   * A handshake failure from the engine's exception, classified; a client refused for its
   * certificate is told whether it sent one at all, since the server's alert (bad_certificate,
   * certificate_required...) does not say.
   *
   * @param finished whether this side's handshake had finished (TLS 1.3: a server's late verdict)
   */
  TlsHandshakeException handshakeFailure(SSLException e, boolean finished) {
    Reason reason = TlsHandshakeException.classify(e);
    String detail = "with " + peer() + ": " + e.getMessage();
    String message = String.valueOf(e.getMessage());
    boolean alert = message.contains("Received fatal alert");
    // A TLS 1.2 server refusing a client that sent an empty Certificate may say only
    // handshake_failure (OpenSSL) or decode_error (GnuTLS); having been asked for a certificate
    // and sent none, the client knows what that means.
    boolean refusedWithoutCertificate =
        client && alert && !finished && certificateRequested && emptyCertificateSent
            && (message.contains("handshake_failure") || message.contains("decode_error"));
    if (refusedWithoutCertificate) {
      reason = Reason.CLIENT_CERTIFICATE_REQUIRED;
    }
    if (client && isCertificateVerdict(reason) && alert) {
      boolean sent = localCertificateSent(finished);
      if (!sent) {
        reason = Reason.CLIENT_CERTIFICATE_REQUIRED;
        detail = "the server " + peer() + " requires a client certificate and this client sent none ("
            + e.getMessage() + ")";
      } else if (reason != Reason.CERTIFICATE_REVOKED) {
        reason = Reason.PEER_REJECTED_CERTIFICATE;
        detail = "the server " + peer() + " rejected the client certificate this client sent ("
            + e.getMessage() + ")";
      } else {
        detail = "the server " + peer() + " says the client certificate this client sent is revoked ("
            + e.getMessage() + ")";
      }
    }
    return new TlsHandshakeException(reason, detail, e);
  }

  private static boolean isCertificateVerdict(Reason reason) {
    return reason == Reason.PEER_REJECTED_CERTIFICATE
        || reason == Reason.CLIENT_CERTIFICATE_REQUIRED
        || reason == Reason.CERTIFICATE_REVOKED;
  }

  private boolean localCertificateSent(boolean finished) {
    // After a finished handshake the session says what was sent (the JDK sends nothing when the
    // key material's issuer is not among those the server asked for).
    SSLSession session = engine.getSession();
    Certificate[] local = session.getLocalCertificates();
    if (local != null && local.length > 0) {
      return true;
    }
    // A TLS 1.2 handshake that failed has no session left to ask: go by what the flight carried,
    // else by what could be sent.
    if (!finished && certificateRequested) {
      return !emptyCertificateSent;
    }
    return !finished && hasKeyMaterial;
  }
}
