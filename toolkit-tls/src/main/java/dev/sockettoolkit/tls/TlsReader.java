package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The inbound half of a TLS connection. {@code netIn} holds ciphertext in read mode; {@link
 * TlsRecords} checks each record header before the engine sees it, and a record is unwrapped only
 * once complete: straight into the caller's buffer when it fits (no copy), else into {@code
 * appIn}. A read that unwrapped a record into the caller's buffer goes on with the complete records
 * already received behind it, while they fit, so one read returns what one transport read brought.
 * The handshake uses the same buffers under the handshake lock, before any read can start.
 *
 * <p>Memory follows the traffic, as in {@code MessageChannel}'s receive buffer: while no record is
 * partly received {@code netIn} is a {@value #SMALL_NET_IN}-byte buffer, enough for the record of a
 * small message; it grows to four maximum records, borrowed from {@link TlsState#CIPHERTEXT},
 * when a record's header announces more or a read fills it. After a bulk read ({@value #BULK} bytes or more) that left nothing undecoded, the next
 * read waits at most 20 ms in the large buffer; if nothing comes it drops the large buffers and
 * waits in the small one, so an idle TLS connection holds about 1 KiB, not 36.
 */
final class TlsReader {
  private static final int INITIAL_APP_BUFFER = 4096;
  /** The size of {@code netIn} while no record is partly received. */
  static final int SMALL_NET_IN = 1024;
  /** A read of at least this many bytes means data is streaming in: keep the large buffer. */
  static final int BULK = 4096;
  /** How long a reader that was streaming waits with its large buffer before giving it back. */
  private static final Duration PROBE = Duration.ofMillis(20);
  private static final int RECORD_HEADER = 5;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private final TlsState tls;
  private final SSLEngine engine;
  /** Sends what the engine needs to send after an unwrap; the reader never writes itself. */
  private final TlsWriter writer;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ByteBuffer smallNetIn = ByteBuffer.allocate(SMALL_NET_IN);
  private ByteBuffer netIn;
  private ByteBuffer appIn = EMPTY;
  private boolean lastFillBulk;
  // Guarded by readLock after the handshake, by the handshake lock during it.
  private boolean inboundDone;
  private boolean sawFirstRecord;
  private IOException readFailure;
  private volatile boolean refuseHandshakeRecords;

  TlsReader(TlsState tls, TlsWriter writer, boolean engineMayHoldPlaintext) {
    this.tls = tls;
    this.engine = tls.engine;
    this.writer = writer;
    this.engineMayHoldPlaintext = engineMayHoldPlaintext;
    this.netIn = smallNetIn.limit(0);
  }

  /** After a TLS 1.2 handshake: refuse handshake records from now on (renegotiation). */
  void refuseHandshakeRecords(boolean refuse) {
    this.refuseHandshakeRecords = refuse;
  }

  /** How long a failed write waits for the alert that may explain it. */
  private static final Duration ALERT_WAIT = Duration.ofMillis(500);

  /**
   * A write failed because the peer closed or reset the connection: often it did so after
   * sending an alert (it rejected our certificate, say). If no other thread is reading, read
   * what is left for a short while; an alert found there becomes the reported failure.
   */
  IOException explain(IOException failure) {
    if (tls.fatal() != null) {
      return tls.fatal();
    }
    if (!readLock.tryLock()) {
      // The reader is at it: the alert, if any, reaches it first.
      TlsHandshakeException fatal = tls.awaitFatal(ALERT_WAIT);
      return fatal != null ? fatal : failure;
    }
    try {
      long deadline = tls.time.nanoTime() + ALERT_WAIT.toNanos();
      for (int i = 0; i < 16; i++) {
        if (recordLength() < 0) {
          long remaining = deadline - tls.time.nanoTime();
          if (remaining <= 0 || fill(Duration.ofNanos(remaining)) < 0) {
            return failure;
          }
          continue;
        }
        unwrapIntoAppIn();
      }
    } catch (SSLException e) {
      IOException explained = tls.recordFailure(e);
      if (explained != failure && explained != tls.fatal()) {
        explained.addSuppressed(failure);
      }
      return explained;
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    } finally {
      readLock.unlock();
    }
    return failure;
  }

  /**
   * The length of the complete record at netIn's position, or -1. Also enforces the first-record
   * check and, after a TLS 1.2 handshake, refuses renegotiation.
   */
  int recordLength() throws IOException {
    int length =
        TlsRecords.completeRecordLength(netIn, !sawFirstRecord, tls.client, tls.peerAddress());
    if (netIn.hasRemaining()) {
      sawFirstRecord = true;
    }
    if (length > 0 && refuseHandshakeRecords
        && (netIn.get(netIn.position()) & 0xff) == TlsRecords.HANDSHAKE) {
      throw new TlsHandshakeException(
          Reason.RENEGOTIATION_REFUSED,
          tls.peer() + " started a TLS 1.2 renegotiation; the connection is closed",
          null);
    }
    return length;
  }

  /**
   * Reads more ciphertext into netIn, waiting at most {@code timeout} (null: the transport's read
   * timeout); returns the count, or -1 at end of stream.
   */
  int fill(Duration timeout) throws IOException {
    if (!netIn.hasRemaining() && netIn != smallNetIn) {
      if (lastFillBulk && tls.transportNow != null) {
        // Streaming so far: keep the large buffer if more has arrived, else give it back at once.
        int n = fillNow();
        if (n != 0) {
          return n;
        }
      } else if (lastFillBulk) {
        // Streaming so far: try the large buffer for a moment before giving it back.
        boolean bounded = timeout != null && timeout.compareTo(PROBE) <= 0;
        try {
          return readMore(bounded ? timeout : PROBE);
        } catch (ConnectionTimeoutException e) {
          if (bounded || e.kind() != ConnectionTimeoutException.Kind.READ) {
            throw e;
          }
        }
        timeout = timeout == null ? null : timeout.minus(PROBE);
      }
      tls.giveBack(netIn);
      netIn = smallNetIn.clear().limit(0);
      if (!appIn.hasRemaining()) {
        appIn = EMPTY;
      }
    }
    return readMore(timeout);
  }

  /**
   * Reads into netIn what the transport has already received, without waiting: the count, 0 if
   * nothing has arrived (or netIn is full), -1 at end of stream.
   */
  private int fillNow() throws IOException {
    netIn.compact();
    try {
      growIfNeeded();
      if (!netIn.hasRemaining()) {
        return 0; // full without a complete record: a plain read reports it
      }
      int n = tls.transportNow.readNow(netIn);
      if (n > 0) {
        lastFillBulk = n >= BULK;
      }
      return n;
    } finally {
      netIn.flip();
    }
  }

  /** With netIn in write mode: moves to a large buffer if the small one cannot take what comes. */
  private void growIfNeeded() {
    if (netIn == smallNetIn && (!netIn.hasRemaining() || announcedRecord() > netIn.capacity())) {
      ByteBuffer large = tls.borrowCiphertext();
      large.put(netIn.flip());
      netIn = large;
    }
  }

  /**
   * What a caller can have without waiting: plaintext already decrypted, or the records already
   * received (from netIn, or from the transport when it can read without waiting); 0 if none,
   * -1 at the end of the stream. Used by a receive buffer above to decide whether to keep its
   * large buffer. A record that carries no data (a session ticket, a key update) is processed and
   * the answer is 0 if nothing else has arrived.
   */
  int readNow(ByteBuffer dst) throws IOException {
    if (!readLock.tryLock()) {
      return 0; // another thread is reading: whatever has arrived is its
    }
    try {
      return read(dst, null, true);
    } finally {
      readLock.unlock();
    }
  }

  private int readMore(Duration timeout) throws IOException {
    netIn.compact();
    try {
      growIfNeeded();
      if (!netIn.hasRemaining()) {
        throw new TlsHandshakeException(
            Reason.LIMIT_EXCEEDED,
            "the TLS input buffer of " + netIn.capacity() + " bytes from " + tls.peer()
                + " is full without a complete record, though no record may exceed "
                + TlsRecords.MAX_RECORD_LENGTH + " bytes: the engine's packet size is too small;"
                + " the connection is closed",
            null);
      }
      int n = timeout == null ? tls.transport.read(netIn) : tls.transport.read(netIn, timeout);
      lastFillBulk = n >= BULK;
      return n;
    } finally {
      netIn.flip();
    }
  }

  /** With netIn in write mode: the length, header included, of the record it starts with; 0 if unknown. */
  private int announcedRecord() {
    if (netIn.position() < RECORD_HEADER) {
      return 0;
    }
    return RECORD_HEADER + (((netIn.get(3) & 0xff) << 8) | (netIn.get(4) & 0xff));
  }

  /** Bytes held for received data now (netIn and appIn), for tests of memory use. */
  int bufferedCapacity() {
    return netIn.capacity() + appIn.capacity();
  }

  /**
   * Whether the last unwrap filled its destination, so the engine may hold plaintext it has
   * already taken from {@code netIn}: the next step is another unwrap, not a read.
   */
  private boolean enginePlaintextLeft;
  /**
   * Whether the engine may keep plaintext it decrypted but could not hand over (Conscrypt, Bouncy
   * Castle); the JDK's never does (it answers BUFFER_OVERFLOW and consumes nothing), so its reads
   * keep their simple path.
   */
  private final boolean engineMayHoldPlaintext;

  SSLEngineResult unwrapIntoAppIn() throws SSLException {
    if (appIn.capacity() == 0) {
      // Small until a record needs more (grown below, once): connections that exchange small
      // messages, or read into large buffers directly, never need the full 16 KiB.
      appIn = ByteBuffer.allocate(INITIAL_APP_BUFFER).limit(0);
    }
    appIn.compact();
    try {
      SSLEngineResult result = engine.unwrap(netIn, appIn);
      // An engine that decrypts more than fits keeps the rest (Conscrypt, Bouncy Castle): when
      // the buffer came back full, unwrap again before waiting for more input.
      enginePlaintextLeft = engineMayHoldPlaintext && result.bytesProduced() > 0 && !appIn.hasRemaining();
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

  /**
   * Reads plaintext into {@code dst}, waiting at most {@code timeout} (null: the transport's read
   * timeout); with {@code noWait}, returns 0 instead of waiting for the transport.
   */
  int read(ByteBuffer dst, Duration timeout, boolean noWait) throws IOException {
    readLock.lock();
    try {
      if (readFailure != null) {
        throw readFailure;
      }
      if (tls.fatal() != null) {
        throw tls.fatal();
      }
      tls.state.checkOpen("read", tls.peerAddress());
      if (!dst.hasRemaining()) {
        return 0;
      }
      long deadline = timeout == null ? 0 : tls.time.nanoTime() + timeout.toNanos();
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
        if (length < 0 && !enginePlaintextLeft && noWait) {
          int n = tls.transportNow == null ? 0 : fillNow();
          if (n == 0) {
            return 0; // nothing more has arrived (or only part of a record)
          }
          if (n > 0) {
            continue;
          }
          // The end of the stream: the plain path below meets it again at once and reports it.
        }
        if (length < 0 && !enginePlaintextLeft) {
          Duration wait = null;
          if (timeout != null) {
            long remaining = deadline - tls.time.nanoTime();
            if (remaining <= 0) {
              throw new ConnectionTimeoutException(
                  ConnectionTimeoutException.Kind.READ, timeout,
                  "no complete TLS record arrived from " + tls.peer() + " within the timeout passed to read");
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
                "no complete TLS record arrived from " + tls.peer() + " within the timeout passed to read");
          }
          if (filled < 0) {
            throw truncated();
          }
          continue;
        }
        SSLEngineResult result;
        boolean direct = !viaAppIn && length >= 0 && dst.remaining() >= length;
        if (direct) {
          result = engine.unwrap(netIn, dst);
          enginePlaintextLeft = engineMayHoldPlaintext && result.bytesProduced() > 0 && !dst.hasRemaining();
        } else {
          result = unwrapIntoAppIn();
        }
        afterUnwrap(result);
        if (direct && result.bytesProduced() > 0) {
          // Whatever the status: Conscrypt reports BUFFER_OVERFLOW, and CLOSED with the last
          // data, when it produced bytes and holds more. They are in dst now.
          return result.bytesProduced() + unwrapBuffered(result, dst);
        }
        switch (result.getStatus()) {
          case OK:
            break;
          case CLOSED:
            // Conscrypt and Bouncy Castle unwrap several records in one call, the last data and
            // the close_notify together, and may keep plaintext that did not fit: the end comes
            // only once an unwrap produces nothing more.
            if (result.bytesProduced() == 0) {
              inboundDone = true;
              tls.peerClosed = true;
              enginePlaintextLeft = false;
            }
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
        if (idle > TlsState.MAX_IDLE_STEPS) {
          throw new IOException("the TLS engine made no progress reading from " + tls.peer());
        }
      }
    } catch (SSLException e) {
      // Recorded before the abort, so a writer that finds the connection closed finds why.
      readFailure = tls.recordFailure(e);
      tls.abort();
      throw readFailure;
    } catch (TlsHandshakeException e) {
      tls.abort();
      readFailure = e;
      throw e;
    } finally {
      readLock.unlock();
    }
  }

  /**
   * After a record was unwrapped straight into {@code dst}: unwraps the complete records that
   * are already buffered behind it, while each fits, so that one read returns what one transport
   * read brought rather than one record of it (the caller then answers a burst with one write,
   * not one per record). Never waits for input. Returns the bytes added to {@code dst}.
   */
  private int unwrapBuffered(SSLEngineResult first, ByteBuffer dst) throws IOException {
    int produced = 0;
    SSLEngineResult result = first;
    while (result.getStatus() == Status.OK && !enginePlaintextLeft && dst.hasRemaining()) {
      int length;
      try {
        length = recordLength();
      } catch (TlsHandshakeException e) {
        break; // garbage or a renegotiation: the next read reports it, after this data
      }
      if (length < 0 || dst.remaining() < length) {
        break;
      }
      try {
        result = engine.unwrap(netIn, dst);
      } catch (SSLException e) {
        // A record that fails to decrypt: the data before it is delivered, the next read fails.
        readFailure = tls.recordFailure(e);
        tls.abort();
        break;
      }
      enginePlaintextLeft =
          engineMayHoldPlaintext && result.bytesProduced() > 0 && !dst.hasRemaining();
      afterUnwrap(result);
      produced += result.bytesProduced();
      if (result.getStatus() == Status.CLOSED) {
        if (result.bytesProduced() == 0) {
          inboundDone = true; // the peer's close_notify, after data: the next read returns -1
          tls.peerClosed = true;
        } else {
          enginePlaintextLeft = true; // the last data and the close_notify: unwrap once more
        }
      } else if (result.bytesConsumed() == 0) {
        break; // BUFFER_OVERFLOW or no progress: the next read takes it from here
      }
    }
    return produced;
  }

  private void afterUnwrap(SSLEngineResult result) throws IOException {
    HandshakeStatus status = result.getHandshakeStatus();
    if (status == HandshakeStatus.NEED_TASK) {
      tls.runTasks();
      status = engine.getHandshakeStatus();
    }
    if (status == HandshakeStatus.NEED_WRAP) {
      writer.requestWrap();
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
            tls.peer() + " closed the connection without a TLS close_notify: the data may have been"
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


  /**
   * After close_notify was sent: reads and discards input until the peer's close_notify, end of
   * stream, a failure or {@code timeout}. Skipped if another thread is reading (closing the
   * transport releases it) or the input already ended.
   */
  void drainUntilPeerCloses(Duration timeout) {
    if (!readLock.tryLock()) {
      return;
    }
    try {
      long deadline = tls.time.nanoTime() + timeout.toNanos();
      for (int steps = 0; !inboundDone && readFailure == null && steps < 10_000; steps++) {
        appIn.clear().limit(0);
        if (recordLength() < 0) {
          long remaining = deadline - tls.time.nanoTime();
          if (remaining <= 0 || fill(Duration.ofNanos(remaining)) < 0) {
            return;
          }
          continue;
        }
        if (unwrapIntoAppIn().getStatus() == Status.CLOSED) {
          inboundDone = true;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Timeout, reset or garbage: the connection is being closed anyway.
    } finally {
      appIn.clear().limit(0);
      readLock.unlock();
    }
  }
}
