package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockettoolkit.core.ConnectionPair;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** TLS records split across reads and writes at any size still make a working connection. */
class TlsChunkingProperties {

  @Property(tries = 25)
  void handshakeAndDataSurviveAnyChunking(
      @ForAll @IntRange(min = 1, max = 20_000) int clientChunk,
      @ForAll @IntRange(min = 1, max = 20_000) int serverChunk,
      @ForAll @IntRange(min = 1, max = 100_000) int size)
      throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, Transports.OPTIONS)) {
      TlsConnection client =
          TlsConnection.client(new ChunkingConnection(pair.client(), clientChunk), TestPki.client().build(), "localhost");
      TlsConnection server = TlsConnection.server(new ChunkingConnection(pair.server(), serverChunk), TestPki.server().build());
      CompletableFuture<Long> received = TlsPeers.async(() -> TlsConnectionTest.receive(server, size));
      long sent = TlsConnectionTest.send(client, size, size);
      assertEquals(sent, (long) TlsPeers.await(received));
      client.abort();
      server.abort();
    }
  }
}
