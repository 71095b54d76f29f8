package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code toolkit connect --reconnect} keeps an interactive session across a server restart. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectReconnectIT {

  @Test
  void sessionSurvivesAServerKilledAndStartedAgain() throws Exception {
    Jar.Served first = Jar.serve();
    int port = first.port;
    Jar.Served second = null;
    try (Jar.Running session = Jar.start("connect", first.address(), "--reconnect")) {
      session.write("before\n");
      session.await("before");
      first.process.destroyForcibly();
      first.process.waitFor(10, TimeUnit.SECONDS);
      second = Jar.serve("--port", String.valueOf(port));
      // A line written while the session is still noticing the loss may go to the dead
      // connection (at least once covers failed sends only), so keep asking, boundedly.
      boolean echoed = false;
      for (int i = 0; i < 40 && !echoed; i++) {
        session.write("after " + i + "\n");
        Thread.sleep(250);
        int n = i;
        echoed = session.lines().stream().anyMatch(l -> l.startsWith("after ") && Integer.parseInt(l.substring(6)) <= n);
      }
      assertTrue(echoed, "no echo after the restart: " + session.lines());
      String stderr = session.stopAndReadStderr();
      assertTrue(stderr.contains("reconnecting") && stderr.contains("connected to 127.0.0.1:" + port), stderr);
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }
}
