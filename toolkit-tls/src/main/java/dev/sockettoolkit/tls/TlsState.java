package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import dev.sockettoolkit.core.internal.BufferPool;
import dev.sockettoolkit.core.internal.ConnectionState;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

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
   * heap buffers, because the JDK's engine is slower with direct ones.
   */
  static final BufferPool CIPHERTEXT = BufferPool.heap(4 * TlsRecords.MAX_RECORD_LENGTH);

  final Connection transport;
  /** The clock of the handshake and closing timeouts. */
  final TimeSource time;
  final SSLEngine engine;
  final boolean client;
  /** The largest record the engine writes or reads, header included. */
  final int packetSize;
  final ConnectionState state = new ConnectionState("close_notify sent");

  TlsState(Connection transport, SSLEngine engine, TimeSource time) {
    this.transport = transport;
    this.time = time;
    this.engine = engine;
    this.client = engine.getUseClientMode();
    this.packetSize =
        Math.max(engine.getSession().getPacketBufferSize(), TlsRecords.MAX_RECORD_LENGTH);
  }

  /** The peer's address, for messages. */
  String peer() {
    return String.valueOf(transport.remoteAddress());
  }

  /** A cleared ciphertext buffer of four records, for {@link #giveBack}. */
  ByteBuffer borrowCiphertext() {
    return CIPHERTEXT.take(4 * packetSize);
  }

  /** Returns a buffer from {@link #borrowCiphertext()}. */
  void giveBack(ByteBuffer buffer) {
    CIPHERTEXT.give(buffer);
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
      return new TlsHandshakeException(reason, "with " + peer() + ": " + e.getMessage(), e);
    }
    return new IOException("TLS error on the connection with " + peer() + ": " + e.getMessage(), e);
  }
}
