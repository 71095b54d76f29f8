package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code toolkit serve --stats}: the periodic {@code stats} lines of a real server process. */
class StatsIT {
  private static final Pattern STATS =
      Pattern.compile(
          "stats active=(\\d+) opened=(\\d+) in=([0-9.]+)msg/s,([0-9.]+)MB/s"
              + " out=([0-9.]+)msg/s,([0-9.]+)MB/s handshake_failures=(\\S+)");

  private static List<String> statsLines(Jar.Served s) {
    synchronized (s.stdoutLines) {
      List<String> lines = new ArrayList<>();
      for (String line : s.stdoutLines) {
        if (line.startsWith("stats ")) {
          lines.add(line);
        }
      }
      return lines;
    }
  }

  @Test
  void printsAStatsLinePerPeriodCountingTrafficAndHandshakeFailures() throws Exception {
    try (Jar.Served s =
        Jar.serve("--stats", "200ms", "--tls", "--self-signed")) {
      // A TLS client that does not trust the self-signed certificate: a handshake failure.
      Jar.Result refused = Jar.run("x\n", "connect", s.address(), "--tls");
      assertTrue(refused.exit != 0, refused.stderr);
      Jar.Result r = Jar.run("one\ntwo\nthree\n", "connect", s.address(), "--tls", "--insecure");
      assertEquals("one\ntwo\nthree\n", r.stdout, r.stderr);
      Thread.sleep(600); // a few more periods, so the closes are counted too
      List<String> lines = statsLines(s);
      assertTrue(lines.size() >= 2, lines::toString);
      long opened = 0;
      double messagesIn = 0;
      boolean failureSeen = false;
      for (String line : lines) {
        Matcher m = STATS.matcher(line);
        assertTrue(m.matches(), line);
        opened += Long.parseLong(m.group(2));
        messagesIn += Double.parseDouble(m.group(3));
        failureSeen |= !m.group(7).equals("none");
      }
      assertEquals(2, opened, lines::toString);
      assertTrue(messagesIn > 0, lines::toString);
      assertTrue(failureSeen, lines::toString);
      Matcher last = STATS.matcher(lines.get(lines.size() - 1));
      assertTrue(last.matches());
      assertEquals("0", last.group(1), lines::toString);
    }
  }
}
