package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What is particular to the in-memory pair. The two-way stream contract itself is checked for every
 * transport (TCP, Unix domain, in-memory) by toolkit-testkit's {@code ConnectionConformance} suite,
 * which core cannot depend on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InMemoryConnectionTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConnectionPair pair = ConnectionPair.inMemory(16 * 1024, ConnectionOptions.defaults());

  @AfterEach
  void closeAll() {
    pair.client().abort();
    pair.server().abort();
    executor.shutdownNow();
  }

  @Test
  void aFastWriterBlocksUntilTheReaderCatchesUp() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Future<?> writer =
        executor.submit(
            () -> {
              started.countDown();
              pair.client().write(ByteBuffer.allocate(64 * 1024));
              return null;
            });
    started.await();
    Thread.sleep(100);
    assertFalse(writer.isDone(), "64 KiB cannot fit a 16 KiB buffer before the reader reads");
    assertEquals(64 * 1024, TestSupport.readExactly(pair.server(), 64 * 1024).length);
    writer.get(5, TimeUnit.SECONDS);
  }

  @Test
  void writingToAPeerThatClosedIsAReset() throws Exception {
    pair.server().close();
    assertThrows(ConnectionResetException.class, () -> pair.client().write(TestSupport.ascii("x")));
  }

  @Test
  void addressesNameTheSides() {
    assertTrue(pair.client().localAddress().toString().matches("memory:\\d+/client"));
    assertTrue(pair.server().localAddress().toString().matches("memory:\\d+/server"));
    assertThrows(
        IllegalArgumentException.class, () -> ConnectionPair.inMemory(0, ConnectionOptions.defaults()));
  }
}
