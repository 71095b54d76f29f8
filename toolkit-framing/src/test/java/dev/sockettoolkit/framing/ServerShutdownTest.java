package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.Service;
import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.Server;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stopping server closes connections idle between messages at once, and drains the others. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerShutdownTest {
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();

  private static Server echoServer() throws Exception {
    return Server.builder()
        .drainTimeout(Duration.ofSeconds(20))
        .handler(connection -> {
          MessageChannel<String> channel = MessageChannel.open(connection, LINES);
          String line;
          while ((line = channel.receive()) != null) {
            channel.send(line);
          }
          channel.close();
        })
        .start();
  }

  @Test
  void idleConnectionsCloseAtOnce() throws Exception {
    Server server = echoServer();
    List<MessageChannel<String>> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      MessageChannel<String> client = MessageChannel.open(Client.connect("127.0.0.1:" + server.port()), LINES);
      client.send("hello " + i);
      assertEquals("hello " + i, client.receive(Duration.ofSeconds(5)));
      clients.add(client);
    }
    long start = System.nanoTime();
    server.close();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 1000, "stopped in " + millis + " ms with idle clients and a 20 s drain timeout");
    for (MessageChannel<String> client : clients) {
      assertNull(client.receive(Duration.ofSeconds(5)), "a clean end of stream");
      client.close();
    }
  }

  @Test
  void connectionMidMessageIsLetFinish() throws Exception {
    Server server = echoServer();
    try (Connection client = Client.connect("127.0.0.1:" + server.port())) {
      client.write(ByteBuffer.wrap("half a li".getBytes(StandardCharsets.US_ASCII)));
      Thread.sleep(200);                     // the server holds a partial frame
      server.stopAsync();
      Thread.sleep(500);
      assertEquals(Service.State.STOPPING, server.state(), "waits for the message in progress");
      client.write(ByteBuffer.wrap("ne\n".getBytes(StandardCharsets.US_ASCII)));
      MessageChannel<String> channel = MessageChannel.open(client, LINES);
      assertEquals("half a line", channel.receive(Duration.ofSeconds(5)));
      assertNull(channel.receive(Duration.ofSeconds(5)), "closed at the next boundary");
      server.awaitTerminated(5, TimeUnit.SECONDS);
    }
  }
}
