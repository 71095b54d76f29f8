package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Whatever bytes a peer sends, the handshake fails promptly with an exception: no hang, no loop. */
class TlsGarbageProperties {

  @Property(tries = 60)
  void anyBytesFailTheServerHandshakePromptly(
      @ForAll @Size(max = 3000) byte[] garbage, @ForAll boolean looksLikeTls) throws Exception {
    if (looksLikeTls && garbage.length >= 5) {
      // A plausible handshake record header, so the engine itself has to reject the body.
      garbage[0] = 0x16;
      garbage[1] = 0x03;
      garbage[2] = 0x01;
      int length = garbage.length - 5;
      garbage[3] = (byte) (length >> 8);
      garbage[4] = (byte) length;
    }
    TlsConfig config = TestPki.server().handshakeTimeout(Duration.ofSeconds(2)).build();
    try (ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, Transports.OPTIONS)) {
      TlsConnection server = TlsConnection.server(pair.server(), config);
      pair.client().write(ByteBuffer.wrap(garbage));
      pair.client().shutdownOutput();
      long start = System.nanoTime();
      IOException e = assertThrows(IOException.class, server::handshake);
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "took too long: " + e);
      pair.client().abort();
    }
  }
}
