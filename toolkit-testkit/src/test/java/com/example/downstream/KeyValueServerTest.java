package com.example.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionResetException;
import dev.sockettoolkit.core.InMemoryAddress;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.testkit.Chunking;
import dev.sockettoolkit.testkit.Hostile;
import dev.sockettoolkit.testkit.Loopback;
import dev.sockettoolkit.testkit.NetworkConditions;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.testkit.TestkitExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a downstream project tests its protocol handler with the testkit, through its public API
 * only (this package is outside the toolkit's): no sockets, hostile networks, TLS.
 */
@ExtendWith(TestkitExtension.class)
@Timeout(30)
class KeyValueServerTest {
  private final KeyValueServer server = new KeyValueServer();

  private CompletableFuture<Void> serve(ConnectionPair pair) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            server.serve(pair.server());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static void conversation(ConnectionPair pair, CompletableFuture<Void> served) throws Exception {
    try (MessageChannel<String> client = MessageChannel.open(pair.client(), KeyValueServer.CODEC)) {
      client.send("SET greeting hello world");
      assertEquals("OK", client.receive());
      client.send("GET greeting");
      assertEquals("VALUE hello world", client.receive());
      client.send("DANCE");
      assertEquals("ERR unknown command DANCE", client.receive());
      client.send("QUIT");
      assertEquals("BYE", client.receive());
      assertNull(client.receive(), "the server ends the stream after BYE");
    }
    served.get(10, TimeUnit.SECONDS);
  }

  @Test
  void answersOverAPerfectPipe(ConnectionPair pair) throws Exception {
    conversation(pair, serve(pair));
  }

  @Test
  void answersWhenEveryByteArrivesAlone(@Hostile ConnectionPair pair) throws Exception {
    conversation(pair, serve(pair));
  }

  @Test
  void answersOverTls(ConnectionPair plain, TestCertificates certs) throws Exception {
    // Both handshakes run inside secure(); the handler then sees a Connection like any other.
    ConnectionPair tls = certs.secure(plain);
    conversation(tls, serve(tls));
  }

  @Test
  void aWholeServerInMemoryHonoursItsLimitOverAHostileNetwork() throws Exception {
    InMemoryAddress address = InMemoryAddress.named("key-value");
    NetworkConditions oneByteAtATime =
        NetworkConditions.builder().seed(7).chunking(Chunking.oneByte()).build();
    try (Server running =
            Server.builder()
                .bind(address)                 // no socket: the real accept path, in memory
                .maxConnections(1)
                .handler(server::serve)
                .start();
        MessageChannel<String> client =
            MessageChannel.open(
                Loopback.connect(address, oneByteAtATime, ConnectionOptions.defaults()),
                KeyValueServer.CODEC)) {
      assertEquals(address, running.localAddress());
      client.send("SET greeting hello");
      assertEquals("OK", client.receive());
      try (MessageChannel<String> second =
          MessageChannel.open(Client.connect(address, ConnectionOptions.defaults()), KeyValueServer.CODEC)) {
        assertThrows(ConnectionResetException.class, second::receive, "over the limit of 1");
      }
      client.send("QUIT");
      assertEquals("BYE", client.receive());
    }
  }
}
