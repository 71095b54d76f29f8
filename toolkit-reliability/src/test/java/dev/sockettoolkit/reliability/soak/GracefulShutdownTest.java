package dev.sockettoolkit.reliability.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionHandler;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server shut down while a hundred clients are mid-stream. The server appends each message to
 * its log before it acknowledges it, so "acknowledged" means "delivered to the application". Half
 * the clients are in a short conversation when shutdown starts, the other half stream without
 * end; all pause between messages. A handler waiting for the start of the next message is ended
 * at once, whatever the drain timeout: its receive returns the end of the stream, it closes its
 * channel gracefully (TLS: with a close_notify), and the client reads a clean end, never a reset
 * or a truncation. Each client must find every message it saw acknowledged in the server's log, in
 * order, once, intact; the server stops long before the drain timeout. Nobody new gets in after
 * shutdown starts.
 */
class GracefulShutdownTest {
  private static final int FINISHERS = 50;
  private static final int STREAMERS = 50;
  private static final int FINISHER_MESSAGES = 30;
  private static final Duration DRAIN = Duration.ofSeconds(6);
  private static final Duration ACK_DEADLINE = Duration.ofSeconds(30);
  private static final ConnectionOptions CLIENT_OPTIONS = ConnectionOptions.defaults();

  private final TestCertificates certs = TestCertificates.get();
  /** What the server's application received, per connection id, in order. */
  private final Map<Long, List<Long>> serverLog = new ConcurrentHashMap<>();

  /** What one client saw. */
  private record ClientRecord(long id, boolean finisher, List<Long> acked, boolean graceful,
      Throwable failure, long failedAtNanos) {}

  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void everyAcknowledgedMessageIsDeliveredWhenTheServerStopsUnderLoad(boolean tls) throws Exception {
    FrameCodec<ByteBuffer> codec = tls ? SoakPeers.TLS_CODEC : SoakPeers.PLAIN_CODEC;
    ConnectionHandler logging = connection -> serve(connection, codec);
    Server server =
        Server.builder()
            .handler(tls ? TlsConnection.serverHandler(certs.serverConfig(), logging::handle) : logging)
            .drainTimeout(DRAIN)
            .start();
    ExecutorService clients = Executors.newFixedThreadPool(FINISHERS + STREAMERS);
    CountDownLatch midStream = new CountDownLatch(FINISHERS + STREAMERS);
    List<Future<ClientRecord>> records = new ArrayList<>();
    long id = 0;
    try {
      for (int i = 0; i < FINISHERS + STREAMERS; i++) {
        long clientId = ++id;
        boolean finisher = i < FINISHERS;
        records.add(clients.submit(() -> runClient(server, tls, codec, clientId, finisher, midStream)));
      }
      assertTrue(midStream.await(60, TimeUnit.SECONDS), "clients did not get going");
      long stopAt = System.nanoTime();
      server.stopAsync();
      // Shutdown has begun: the listening socket is closed and nobody new gets in.
      assertNewClientsRefused(server);
      server.awaitTerminated(DRAIN.toSeconds() + 30, TimeUnit.SECONDS);
      long stoppedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAt);

      int graceful = 0;
      int aborted = 0;
      long acked = 0;
      for (Future<ClientRecord> f : records) {
        ClientRecord r = f.get(60, TimeUnit.SECONDS);
        List<Long> log = serverLog.getOrDefault(r.id(), List.of());
        acked += r.acked().size();
        // Every acknowledged message was delivered, in order, once: the log starts with them.
        assertTrue(log.size() >= r.acked().size(), () -> "client " + r.id() + ": acked " + r.acked().size()
            + " but the server delivered " + log.size());
        assertEquals(r.acked(), log.subList(0, r.acked().size()), "client " + r.id() + ": acked vs delivered");
        for (int k = 0; k < log.size(); k++) {
          assertEquals(k, log.get(k), "client " + r.id() + ": the server log is in order, without gaps");
        }
        if (r.graceful()) {
          assertTrue(r.finisher(), "a streaming client cannot end gracefully");
          assertEquals(FINISHER_MESSAGES, r.acked().size());
          graceful++;
        } else {
          // Ended between messages: a clean end of stream, not a reset, truncation or timeout.
          assertTrue(r.failure() instanceof SoakProtocolException p
                  && p.kind() == SoakProtocolException.Kind.ENDED_EARLY,
              () -> "client " + r.id() + " was cut off, not ended cleanly: " + r.failure());
          long endedAfter = TimeUnit.NANOSECONDS.toMillis(r.failedAtNanos() - stopAt);
          assertTrue(endedAfter < DRAIN.toMillis() / 2,
              "client " + r.id() + " idle between messages ended " + endedAfter + " ms after shutdown began");
          aborted++;
        }
      }
      assertTrue(stoppedAfterMillis < DRAIN.toMillis() / 2,
          "the server took " + stoppedAfterMillis + " ms to stop with every client between messages");
      System.out.printf(
          "GRACEFUL SHUTDOWN (%s): %d clients finished, %d ended cleanly between messages (drain"
              + " timeout %d s not needed); %d acknowledged messages, all delivered; server stopped %d ms"
              + " after stopAsync%n",
          tls ? "TLS" : "plain", graceful, aborted, DRAIN.toSeconds(), acked, stoppedAfterMillis);
    } finally {
      clients.shutdownNow();
      assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
      server.close();
    }
  }

  private void serve(Connection connection, FrameCodec<ByteBuffer> codec) throws IOException {
    MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, codec);
    List<Long> log = null;
    for (ByteBuffer frame; (frame = channel.receive(ACK_DEADLINE)) != null; ) {
      SoakMessage m = SoakMessage.decode(frame);
      if (log == null) {
        log = Collections.synchronizedList(new ArrayList<>());
        serverLog.put(m.connection(), log);
      }
      if (m.type() == SoakMessage.Type.BYE) {
        channel.send(m.encode());
        return;
      }
      // Deliver first (append to the log), then acknowledge.
      log.add(m.seq());
      channel.send(new SoakMessage(SoakMessage.Type.ECHO, m.connection(), m.seq(), new byte[0]).encode());
    }
  }

  private ClientRecord runClient(Server server, boolean tls, FrameCodec<ByteBuffer> codec, long id,
      boolean finisher, CountDownLatch midStream) {
    List<Long> acked = new ArrayList<>();
    Connection connection = null;
    boolean counted = false;
    try {
      connection = Client.connect(server.localAddress(), CLIENT_OPTIONS);
      if (tls) {
        TlsConnection secure = TlsConnection.client(connection, certs.clientConfig(), "localhost");
        connection = secure;
        secure.handshake();
      }
      MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, codec);
      for (long seq = 0; !finisher || seq < FINISHER_MESSAGES; seq++) {
        channel.send(SoakMessage.data(id, seq).encode());
        ByteBuffer ack = channel.receive(ACK_DEADLINE);
        if (ack == null) {
          throw SoakProtocolException.endedEarly("the server ended the stream before acknowledging " + seq);
        }
        SoakMessage m = SoakMessage.decode(ack);
        if (m.type() != SoakMessage.Type.ECHO || m.seq() != seq || m.connection() != id) {
          throw SoakProtocolException.violation("expected the ack of " + seq + ", got " + m);
        }
        acked.add(seq);
        if (seq == 2) {
          midStream.countDown();
          counted = true;
        }
        Thread.sleep(finisher ? 60 : 10);
      }
      channel.send(new SoakMessage(SoakMessage.Type.BYE, id, FINISHER_MESSAGES, new byte[0]).encode());
      ByteBuffer bye = channel.receive(ACK_DEADLINE);
      if (bye == null || SoakMessage.decode(bye).type() != SoakMessage.Type.BYE) {
        throw SoakProtocolException.endedEarly("no goodbye from the server");
      }
      channel.close();
      return new ClientRecord(id, finisher, acked, true, null, 0);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (connection != null) {
        connection.abort();
      }
      return new ClientRecord(id, finisher, acked, false, e, System.nanoTime());
    } finally {
      if (!counted) {
        midStream.countDown();
      }
    }
  }

  private static void assertNewClientsRefused(Server server) {
    try (Connection late = Client.connect(server.localAddress(), CLIENT_OPTIONS)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      int n = late.read(one, Duration.ofSeconds(5));
      assertEquals(-1, n, "a client that connected after shutdown began was served");
    } catch (IOException refused) {
      // Connection refused or reset: nobody new gets in.
    }
  }
}
