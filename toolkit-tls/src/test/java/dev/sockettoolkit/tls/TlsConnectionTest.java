package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.async;
import static dev.sockettoolkit.tls.TlsPeers.await;
import static dev.sockettoolkit.tls.TlsPeers.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsConnectionTest {

  @ParameterizedTest
  @EnumSource(Transports.class)
  void handshakesAndExchangesData(Transports transport) throws Exception {
    try (Transports.Pair pair = transport.open()) {
      TlsConnection client = TlsConnection.client(pair.client, TestPki.client().build(), "localhost");
      TlsConnection server = TlsConnection.server(pair.server, TestPki.server().build());
      CompletableFuture<byte[]> served =
          async(
              () -> {
                byte[] request = readExactly(server, 5);
                server.write(ascii("world"));
                return request;
              });
      client.write(ascii("hello"));
      assertArrayEquals("world".getBytes(StandardCharsets.US_ASCII), readExactly(client, 5));
      assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), await(served));
      assertEquals("TLSv1.3", client.session().protocol());
      assertEquals("CN=localhost", client.session().peerPrincipal().orElseThrow().getName());
    }
  }
}
