package dev.sockettoolkit.bench;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.KeyMaterial;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TrustMaterial;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The echo protocol on this toolkit, written as its documentation shows: a {@code Server} whose
 * handler wraps the connection in a {@code MessageChannel} with the 4-byte length-prefix codec
 * (inside a {@code TlsConnection} for TLS) and sends back every message it receives; see {@link
 * Stack} for the three handlers.
 */
final class ToolkitEcho {
  private ToolkitEcho() {}

  /** Ends the writer thread's queue. */
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  static FrameCodec<ByteBuffer> codec() {
    return FrameCodecs.lengthPrefix().maxFrameSize(Settings.MAX_FRAME).build();
  }

  static final class Server implements EchoServer {
    private final dev.sockettoolkit.core.Server server;

    /** An echo server whose handler is the one {@code stack} names (a toolkit stack). */
    Server(TlsMaterial tls, Stack stack) throws IOException {
      FrameCodec<ByteBuffer> codec = codec();
      TlsConfig config =
          tls == null
              ? null
              : TlsConfig.server(KeyMaterial.of(tls.key(), List.of(tls.chain())))
                  .protocols("TLSv1.3")
                  .provider(stack == Stack.TOOLKIT_CONSCRYPT ? "conscrypt" : "jdk")
                  .build();
      server =
          dev.sockettoolkit.core.Server.builder()
              .bind("127.0.0.1", 0)
              .maxConnections(1_000_000)
              .handler(
                  connection -> {
                    Connection c = config == null ? connection : TlsConnection.server(connection, config);
                    try (MessageChannel<ByteBuffer> channel = MessageChannel.open(c, codec)) {
                      if (stack == Stack.TOOLKIT_WRITER) {
                        echoWithWriterThread(channel);
                      } else if (stack == Stack.TOOLKIT_SIMPLE) {
                        for (ByteBuffer message; (message = channel.receive()) != null; ) {
                          channel.send(message);
                        }
                      } else if (stack == Stack.TOOLKIT_OWNED) {
                        echoPerRead(channel);
                      } else {
                        while (channel.receiveBatch(channel::sendAll)) {
                          // every message one read brought goes back in one write
                        }
                      }
                    }
                  })
              .start();
    }

    /** Answers every message that one read brought with one {@code sendAll}. */
    private static void echoPerRead(MessageChannel<ByteBuffer> channel) throws IOException {
      List<ByteBuffer> replies = new ArrayList<>();
      for (ByteBuffer first; (first = channel.receive()) != null; ) {
        replies.add(first);
        for (ByteBuffer next; (next = channel.receiveBuffered()) != null; ) {
          replies.add(next);
        }
        channel.sendAll(replies);
        replies.clear();
      }
    }

    /**
     * Receives on this thread and sends on another, which takes everything queued since its last
     * send in one {@code sendAll}: one write per burst instead of one per message.
     */
    private static void echoWithWriterThread(MessageChannel<ByteBuffer> channel) throws Exception {
      LinkedBlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        List<ByteBuffer> batch = new ArrayList<>();
        try {
          while (true) {
            batch.add(queue.take());
            queue.drainTo(batch);
            boolean last = batch.get(batch.size() - 1) == END;
            if (last) {
              batch.remove(batch.size() - 1);
            }
            channel.sendAll(batch);
            batch.clear();
            if (last) {
              return;
            }
          }
        } catch (IOException | InterruptedException e) {
          failure.set(e);
        }
      }, "toolkit-echo-writer");
      writer.setDaemon(true);
      writer.start();
      try {
        for (ByteBuffer message; (message = channel.receive()) != null; ) {
          queue.add(message);
        }
      } finally {
        queue.add(END);
        writer.join();
      }
      if (failure.get() != null) {
        throw failure.get();
      }
    }

    @Override
    public int port() {
      return server.port();
    }

    @Override
    public int connections() {
      return server.activeConnections();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * One client connection: a message channel, sending batches with {@code sendAll}, receiving
   * with {@code receiveBatch} (lent messages, direct payload) or {@code receive} (owned messages,
   * heap payload).
   */
  static final class ClientConnection implements BlockingLoad.Connection {
    static volatile String negotiated;
    private final MessageChannel<ByteBuffer> channel;
    private final List<ByteBuffer> batch;
    private final boolean lend;
    private final MessageChannel.BatchHandler<ByteBuffer> count = messages -> received = messages.size();
    private int received;

    ClientConnection(int port, int size, TlsConfig tls, boolean lend, ConnectionOptions options)
        throws IOException {
      this.lend = lend;
      // No read timeout, like the other stacks' clients: with one, every read takes the socket
      // adaptor's poll-then-read path. A stuck load is closed by BlockingLoad, which unblocks reads.
      Connection connection =
          dev.sockettoolkit.core.Client.connect("127.0.0.1", port, options);
      if (tls != null) {
        TlsConnection secure = TlsConnection.client(connection, tls, "localhost");
        secure.handshake();
        negotiated = secure.session().protocol() + "/" + secure.session().cipherSuite();
        connection = secure;
      }
      channel = MessageChannel.open(connection, codec());
      byte[] payload = new byte[size];
      for (int i = 0; i < size; i++) {
        payload[i] = (byte) i;
      }
      ByteBuffer buffer = lend ? ByteBuffer.allocateDirect(size).put(payload).flip() : ByteBuffer.wrap(payload);
      // The codec sends a buffer's remaining bytes without moving its position, so one buffer serves.
      batch = Collections.nCopies(Settings.WINDOW, buffer);
    }

    @Override
    public void send(int n) throws IOException {
      if (n == 1) {
        channel.send(batch.get(0));
      } else {
        channel.sendAll(batch.subList(0, n));
      }
    }

    @Override
    public int receive() throws IOException {
      if (lend) {
        return channel.receiveBatch(count) ? received : -1;
      }
      return channel.receive() != null ? 1 : -1;
    }

    @Override
    public void shutdownOutput() throws IOException {
      channel.connection().shutdownOutput();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  static final class Client implements EchoClient {
    private final TlsConfig tls;
    private final boolean lend;
    private final ConnectionOptions options;

    Client(TlsMaterial tls, boolean lend) {
      this(tls, lend, ConnectionOptions.defaults());
    }

    /** A client whose connections have {@code options} (to count them in metrics, say). */
    Client(TlsMaterial tls, boolean lend, ConnectionOptions options) {
      this(tls, lend, options, "jdk");
    }

    /** A client whose TLS runs on {@code provider} ({@code jdk}, {@code conscrypt}). */
    Client(TlsMaterial tls, boolean lend, ConnectionOptions options, String provider) {
      this.lend = lend;
      this.options = options;
      this.tls =
          tls == null
              ? null
              : TlsConfig.client()
                  .trust(TrustMaterial.of(tls.ca()))
                  .protocols("TLSv1.3")
                  .provider(provider)
                  .build();
    }

    @Override
    public String negotiated() {
      return ClientConnection.negotiated;
    }

    @Override
    public Load startLoad(int port, int connections, int size, int window) throws Exception {
      List<ClientConnection> opened = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          opened.add(new ClientConnection(port, size, tls, lend, options));
        }
      } catch (IOException e) {
        for (ClientConnection c : opened) {
          c.close();
        }
        throw e;
      }
      return new BlockingLoad(opened, window);
    }

    @Override
    public Histogram roundTrips(int port, int size, long warmupNanos, long measureNanos, int maxSamples)
        throws Exception {
      try (ClientConnection connection = new ClientConnection(port, size, tls, lend, options)) {
        return RoundTrips.run(connection, warmupNanos, measureNanos, maxSamples);
      }
    }

    @Override
    public void close() {}
  }
}
