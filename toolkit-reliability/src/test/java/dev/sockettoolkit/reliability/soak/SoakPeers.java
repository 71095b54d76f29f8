package dev.sockettoolkit.reliability.soak;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionHandler;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Both ends of the soak protocol. A client sends numbered DATA messages in windows, and waits for
 * the server to echo each window; then it sends BYE with its count, the server answers BYE with
 * the count it received, and closes. A connection is graceful only when that whole exchange
 * completed and both sides verified every message.
 */
final class SoakPeers {
  /** Plain connections use a 4-byte length prefix, TLS ones a varint prefix: both codecs soak. */
  static final FrameCodec<ByteBuffer> PLAIN_CODEC =
      FrameCodecs.lengthPrefix().maxFrameSize(64 * 1024).build();
  static final FrameCodec<ByteBuffer> TLS_CODEC =
      FrameCodecs.lengthPrefix().varint().maxFrameSize(64 * 1024).build();
  /**
   * How long one message (or a TLS handshake) may take; bounds every wait, so a stuck connection
   * fails, never hangs. Generous, because two shared cores under hundreds of connections can stall
   * a thread for seconds, and a fault-free connection must never time out.
   */
  static final Duration MESSAGE_DEADLINE = Duration.ofSeconds(30);
  /**
   * At most this many messages and bytes are unanswered at once, so the echoes of one window fit
   * the in-memory pair's 64 KiB buffer while the client is still sending it (no flow deadlock).
   */
  private static final int WINDOW = 8;
  private static final int WINDOW_BYTES = 24 * 1024;
  private static final int THINK_MILLIS = 200;

  private volatile SoakStats stats;
  private final TlsConfig serverTls;
  private final TlsConfig clientTls;
  private final AtomicLong ids = new AtomicLong();

  SoakPeers(SoakStats stats, TlsConfig serverTls, TlsConfig clientTls) {
    this.stats = stats;
    this.serverTls = serverTls;
    this.clientTls = clientTls;
  }

  /** Counts from now on into {@code next} (a warm-up counts apart from the soak). */
  void countInto(SoakStats next) {
    this.stats = next;
  }

  /**
   * The server's handler: one port for both protocols. A TLS client's first byte is 0x16 (a
   * handshake record); a plain client's is the high byte of a 4-byte length, 0 for any frame the
   * soak sends. TLS connections go through the toolkit's {@link TlsConnection#serverHandler}.
   */
  ConnectionHandler handler() {
    ConnectionHandler tlsHandler =
        TlsConnection.serverHandler(
            serverTls,
            tls -> {
              this.stats.tlsServerHandlers.increment();
              serve(tls, TLS_CODEC);
            });
    return connection -> {
      ByteBuffer first = ByteBuffer.allocate(1);
      try {
        if (connection.read(first, MESSAGE_DEADLINE) < 0) {
          throw SoakProtocolException.endedEarly("the client sent nothing");
        }
      } catch (IOException e) {
        this.stats.failure("server", e);
        throw e;
      }
      Connection replayed = new PeekedConnection(connection, first.get(0));
      if (first.get(0) == 0x16) {
        tlsHandler.handle(replayed);
      } else {
        serve(replayed, PLAIN_CODEC);
      }
    };
  }

  private void serve(Connection connection, FrameCodec<ByteBuffer> codec) throws IOException {
    SoakStats stats = this.stats;
    MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, codec);
    StreamVerifier verifier = new StreamVerifier(SoakMessage.Type.DATA, -1, stats);
    try {
      while (true) {
        ByteBuffer frame = channel.receive(MESSAGE_DEADLINE);
        if (frame == null) {
          throw SoakProtocolException.endedEarly(
              "the client's stream ended without a goodbye after " + verifier.delivered + " messages");
        }
        SoakMessage m;
        try {
          m = verifier.accept(frame);
        } catch (SoakProtocolException e) {
          tell(channel, verifier.connection(), e.getMessage());
          throw e;
        }
        switch (m.type()) {
          case DATA:
            stats.delivered.increment();
            channel.send(m.withType(SoakMessage.Type.ECHO).encode());
            break;
          case BYE:
            if (m.seq() != verifier.delivered || !verifier.clean()) {
              String why = "the client sent " + m.seq() + " messages, the server verified " + verifier;
              tell(channel, verifier.connection(), why);
              throw SoakProtocolException.violation(why);
            }
            channel.send(new SoakMessage(SoakMessage.Type.BYE, m.connection(), verifier.delivered, new byte[0]).encode());
            stats.serverGraceful.increment();
            return;
          default:
            throw SoakProtocolException.violation("a client sent " + m.type());
        }
      }
    } catch (IOException | RuntimeException e) {
      stats.failure("server", e);
      throw e;
    }
  }

  /** Tells the client why the server gives up, if the connection still carries it. */
  private static void tell(MessageChannel<ByteBuffer> channel, long connection, String why) {
    try {
      channel.send(SoakMessage.error(connection, why).encode());
    } catch (IOException ignored) {
      // The connection is failing anyway; the client sees that instead.
    }
  }

  /** How a client session ended. */
  enum Outcome {
    GRACEFUL,
    CLIENT_ABORTED,
    FAULTED
  }

  /** How a client session ended and, if it was faulted, with what. */
  record Result(Outcome outcome, Throwable failure) {}

  /**
   * Runs one client session over {@code transport}: {@code messages} DATA messages, then the
   * goodbye; with {@code abortAfter >= 0} the client aborts the connection after that many
   * messages instead (an abrupt close).
   */
  Result client(long id, Connection transport, boolean tls, int messages, int abortAfter) {
    SoakStats stats = this.stats;
    stats.connections.increment();
    if (tls) {
      stats.tlsConnections.increment();
    }
    Connection connection = transport;
    StreamVerifier verifier = new StreamVerifier(SoakMessage.Type.ECHO, id, stats);
    try {
      if (tls) {
        TlsConnection secure = TlsConnection.client(transport, clientTls, "localhost");
        connection = secure;
        secure.handshake();
      }
      MessageChannel<ByteBuffer> channel =
          MessageChannel.open(connection, tls ? TLS_CODEC : PLAIN_CODEC);
      int sent = 0;
      while (sent < messages) {
        List<ByteBuffer> frames = new ArrayList<>(WINDOW);
        int windowBytes = 0;
        while (frames.size() < WINDOW && sent + frames.size() < messages && windowBytes < WINDOW_BYTES) {
          ByteBuffer frame = SoakMessage.data(id, sent + frames.size()).encode();
          windowBytes += frame.remaining();
          frames.add(frame);
        }
        int batch = frames.size();
        channel.sendAll(frames);
        stats.sent.add(batch);
        sent += batch;
        if (abortAfter >= 0 && sent >= abortAfter) {
          connection.abort();
          stats.clientAborted.increment();
          return new Result(Outcome.CLIENT_ABORTED, null);
        }
        think();
        for (int i = 0; i < batch; i++) {
          SoakMessage echo = verifier.accept(receive(channel, "the echo of message " + (sent - batch + i)));
          if (echo.type() != SoakMessage.Type.ECHO) {
            throw SoakProtocolException.violation("expected an echo, got " + echo.type());
          }
          stats.echoed.increment();
        }
      }
      channel.send(new SoakMessage(SoakMessage.Type.BYE, id, sent, new byte[0]).encode());
      SoakMessage bye = verifier.accept(receive(channel, "the server's goodbye"));
      if (bye.type() != SoakMessage.Type.BYE || bye.seq() != sent) {
        throw SoakProtocolException.violation(
            "sent " + sent + " messages, the server said goodbye with " + bye.type() + " " + bye.seq());
      }
      if (verifier.delivered != sent || !verifier.clean()) {
        stats.lostOnGraceful.add(Math.max(0, sent - verifier.delivered));
        throw SoakProtocolException.violation("a graceful connection ended with " + verifier);
      }
      ByteBuffer after = channel.receive(MESSAGE_DEADLINE);
      if (after != null) {
        throw SoakProtocolException.violation("the server sent data after its goodbye");
      }
      channel.close();
      stats.graceful.increment();
      return new Result(Outcome.GRACEFUL, null);
    } catch (IOException | RuntimeException e) {
      connection.abort();
      stats.faulted.increment();
      stats.failure("client", e);
      return new Result(Outcome.FAULTED, e);
    }
  }

  /**
   * Pauses up to {@link #THINK_MILLIS} between a window and its echoes, as a real client does
   * between requests: connections stay open longer (hundreds at once) for less CPU than a
   * reconnecting busy loop, which on two cores starves the servers' accept threads.
   */
  private static void think() throws InterruptedIOException {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(THINK_MILLIS + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while thinking");
    }
  }

  /** A new connection id for {@link #client}. */
  long newId() {
    return ids.incrementAndGet();
  }

  /**
   * The fewest bytes the client writes for its first {@code messages} messages: a fault placed
   * before this offset of the client's stream is sure to be reached.
   */
  static long plannedBytes(long id, int messages) {
    long bytes = 0;
    for (int seq = 0; seq < messages; seq++) {
      bytes += 1 + SoakMessage.HEADER + SoakMessage.body(id, seq).length + SoakMessage.TRAILER;
    }
    return bytes;
  }

  private static ByteBuffer receive(MessageChannel<ByteBuffer> channel, String what) throws IOException {
    ByteBuffer frame = channel.receive(MESSAGE_DEADLINE);
    if (frame == null) {
      throw SoakProtocolException.endedEarly("the server's stream ended before " + what);
    }
    return frame;
  }

  /** Serves the server end of an in-memory pair with the same handler the TCP servers run. */
  void serveInMemory(Connection serverEnd) {
    try {
      handler().handle(serverEnd);
    } catch (Exception alreadyCounted) {
      // serve() recorded it; a Server logs it and closes the connection, as below.
    } finally {
      try {
        serverEnd.close();
      } catch (IOException e) {
        serverEnd.abort();
      }
    }
  }
}
