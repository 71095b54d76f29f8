package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code toolkit serve} on SIGTERM: idle clients do not hold it up; a message in progress finishes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeShutdownIT {

  private static String readLine(Connection connection) throws Exception {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (connection.read(one, Duration.ofSeconds(10)) < 0) {
        return line.length() == 0 ? null : line.toString();
      }
      if (one.get(0) == '\n') {
        return line.toString();
      }
      line.append((char) one.get(0));
    }
  }

  private static void send(Connection connection, String text) throws Exception {
    connection.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void exitsWithinOneSecondOfSigtermWithIdleClients() throws Exception {
    List<Connection> clients = new ArrayList<>();
    try (Jar.Served server = Jar.serve()) {
      for (int i = 0; i < 5; i++) {
        Connection c = Client.connect(server.address());
        send(c, "hi " + i + "\n");
        assertEquals("hi " + i, readLine(c));
        clients.add(c);
      }
      long start = System.nanoTime();
      server.process.destroy();                              // SIGTERM
      assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), "serve did not exit");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println("serve exited " + millis + " ms after SIGTERM with 5 idle clients");
      assertTrue(millis < 1000, "serve took " + millis + " ms to exit with idle clients");
      for (Connection c : clients) {
        assertEquals(null, readLine(c), "a clean end of stream");
      }
    } finally {
      clients.forEach(Connection::abort);
    }
  }

  @Test
  void letsAMessageInProgressFinish() throws Exception {
    try (Jar.Served server = Jar.serve();
        Connection client = Client.connect(server.address())) {
      send(client, "first half, ");
      Thread.sleep(300);
      server.process.destroy();                              // SIGTERM mid-message
      Thread.sleep(700);
      assertTrue(server.process.isAlive(), "serve must wait for the message in progress");
      send(client, "second half\n");
      assertEquals("first half, second half", readLine(client));
      assertEquals(null, readLine(client), "closed at the next message boundary");
      assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), "serve did not exit");
    }
  }
}
