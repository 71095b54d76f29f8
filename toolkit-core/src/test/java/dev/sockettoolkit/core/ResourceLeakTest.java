package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResourceLeakTest {
  private static final File FDS = new File("/proc/self/fd");

  @Test
  void tenThousandConnectCloseCyclesLeakNoDescriptorsOrThreads() throws Exception {
    Assumptions.assumeTrue(FDS.isDirectory(), "SKIPPED: /proc/self/fd is Linux-only");
    try (Server server = Server.builder().handler(TestSupport.ECHO).start()) {
      String target = "127.0.0.1:" + server.port();
      cycles(target, 200, server); // warm up: lazily created JDK and timer resources
      int fdsBefore = openDescriptors();
      int threadsBefore = Thread.getAllStackTraces().size();

      cycles(target, 10_000, server);

      ServerTest.waitFor(() -> openDescriptors() <= fdsBefore, "descriptors back to " + fdsBefore);
      ServerTest.waitFor(
          () -> Thread.getAllStackTraces().size() <= threadsBefore,
          "threads back to " + threadsBefore);
      assertEquals(0, server.activeConnections());
    }
  }

  private static void cycles(String target, int count, Server server) throws Exception {
    ByteBuffer one = ByteBuffer.allocate(1);
    for (int i = 0; i < count; i++) {
      try (Connection connection = Client.connect(target)) {
        connection.write(ByteBuffer.wrap(new byte[] {(byte) i}));
        one.clear();
        TestSupport.readExactly(connection, 1);
      }
      // Bound the number of half-finished handlers so the platform-thread run stays small.
      if (i % 500 == 499) {
        ServerTest.waitFor(() -> server.activeConnections() == 0, "handlers drained");
      }
    }
    ServerTest.waitFor(() -> server.activeConnections() == 0, "handlers drained");
  }

  private static int openDescriptors() {
    String[] entries = FDS.list();
    return entries == null ? -1 : entries.length;
  }
}
