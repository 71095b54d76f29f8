package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.handshakeBoth;
import static dev.sockettoolkit.tls.TlsProviderTest.on;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One read returns every complete record already received, not one record of them, so a server
 * that answers each read with one write sends one record per burst; and the peer's close_notify
 * behind the data ends the stream cleanly.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadBatchingTest {

  @ParameterizedTest(name = "server {0}")
  @ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void oneReadReturnsEveryBufferedRecord(String serverProvider) throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c = TlsConnection.client(pair.client(), TestPki.client().build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), on(TestPki.server(), serverProvider).build());
      assertEquals(null, handshakeBoth(c, s));
      // Three writes, three records, all in the server's transport before it reads.
      c.write(ascii("one "));
      c.write(ascii("two "));
      c.write(ascii("three"));
      ByteBuffer received = ByteBuffer.allocate(4096);
      int n = s.read(received, Duration.ofSeconds(5));
      assertEquals("one two three", new String(received.array(), 0, n, StandardCharsets.US_ASCII));
    }
  }

  @ParameterizedTest(name = "server {0}")
  @ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void dataThenCloseNotifyInOneTransportReadEndsCleanly(String serverProvider) throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c = TlsConnection.client(pair.client(), TestPki.client().build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), on(TestPki.server(), serverProvider).build());
      assertEquals(null, handshakeBoth(c, s));
      c.write(ascii("first "));
      c.write(ascii("last"));
      c.shutdownOutput(); // close_notify right behind the data
      ByteBuffer received = ByteBuffer.allocate(4096);
      int total = 0;
      for (int n; (n = s.read(received, Duration.ofSeconds(5))) >= 0; ) {
        total += n;
      }
      assertEquals("first last", new String(received.array(), 0, total, StandardCharsets.US_ASCII));
      assertEquals(-1, s.read(ByteBuffer.allocate(16), Duration.ofSeconds(1)));
    }
  }

  @ParameterizedTest(name = "server {0}")
  @ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void recordsThatDoNotFitAreLeftForTheNextRead(String serverProvider) throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c = TlsConnection.client(pair.client(), TestPki.client().build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), on(TestPki.server(), serverProvider).build());
      assertEquals(null, handshakeBoth(c, s));
      byte[] big = new byte[3000];
      java.util.Arrays.fill(big, (byte) 'x');
      c.write(ascii("small"));
      c.write(ByteBuffer.wrap(big));
      // Room for the first record and less than the second: the second waits, whole.
      ByteBuffer first = ByteBuffer.allocate(2000);
      int n = s.read(first, Duration.ofSeconds(5));
      assertEquals("small", new String(first.array(), 0, n, StandardCharsets.US_ASCII));
      byte[] rest = TlsPeers.readExactly(s, big.length);
      assertEquals(new String(big, StandardCharsets.US_ASCII), new String(rest, StandardCharsets.US_ASCII));
    }
  }

  /**
   * What the receive buffer above asks when a burst ends: the plaintext that can be had without
   * waiting, 0 when none, -1 once the peer's close_notify is in.
   */
  @ParameterizedTest(name = "server {0}")
  @ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void readNowReturnsWhatHasArrivedWithoutWaiting(String serverProvider) throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c = TlsConnection.client(pair.client(), TestPki.client().build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), on(TestPki.server(), serverProvider).build());
      assertEquals(null, handshakeBoth(c, s));
      ReadsWithoutWaiting now = ReadsWithoutWaiting.of(s);
      assertNotNull(now);
      assertEquals(0, now.readNow(ByteBuffer.allocate(64)));
      byte[] big = new byte[50_000];
      new java.util.Random(7).nextBytes(big);
      c.write(ascii("small"), ByteBuffer.wrap(big));
      ByteBuffer received = ByteBuffer.allocate(5 + big.length);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.hasRemaining() && System.nanoTime() < deadline) {
        now.readNow(received);
      }
      assertFalse(received.hasRemaining(), "readNow returned " + received.position() + " bytes");
      assertEquals("small", new String(received.array(), 0, 5, StandardCharsets.US_ASCII));
      assertArrayEquals(big, java.util.Arrays.copyOfRange(received.array(), 5, received.limit()));
      assertEquals(0, now.readNow(ByteBuffer.allocate(64)));
      c.shutdownOutput();
      int n = 0;
      while (n == 0 && System.nanoTime() < deadline) {
        n = now.readNow(ByteBuffer.allocate(64));
      }
      assertEquals(-1, n);
    }
  }

  /**
   * Right after the handshake a TLS 1.3 client may find only the server's session tickets,
   * records that carry no data: readNow processes them and answers 0 without waiting for more.
   */
  @ParameterizedTest(name = "client {0}")
  @ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void readNowDoesNotWaitBehindARecordWithoutData(String clientProvider) throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c =
          TlsConnection.client(pair.client(), on(TestPki.client(), clientProvider).build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), TestPki.server().build());
      assertEquals(null, handshakeBoth(c, s));
      ReadsWithoutWaiting now = ReadsWithoutWaiting.of(c);
      assertTimeoutPreemptively(
          Duration.ofSeconds(2), () -> assertEquals(0, now.readNow(ByteBuffer.allocate(64))));
      s.write(ascii("after"));
      ByteBuffer received = ByteBuffer.allocate(64);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.position() < 5 && System.nanoTime() < deadline) {
        now.readNow(received);
      }
      assertEquals("after", new String(received.array(), 0, received.position(), StandardCharsets.US_ASCII));
    }
  }
}
