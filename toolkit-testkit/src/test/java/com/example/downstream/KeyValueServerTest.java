package com.example.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.testkit.Hostile;
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
}
