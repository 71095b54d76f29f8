package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.handshakeBoth;
import static dev.sockettoolkit.tls.TlsProviderTest.on;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockettoolkit.core.ConnectionPair;
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
}
