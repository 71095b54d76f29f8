package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryConnectionTest extends ConnectionContractTest {
  @Override
  ConnectionPair connect(ConnectionOptions options) {
    // Small buffers so that backpressure and the write timeout show without huge transfers.
    return ConnectionPair.inMemory(16 * 1024, options);
  }

  @Test
  void aFastWriterBlocksUntilTheReaderCatchesUp() throws Exception {
    ConnectionPair pair = pair();
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
    assertTrue(!writer.isDone(), "64 KiB cannot fit a 16 KiB buffer before the reader reads");
    assertEquals(64 * 1024, TestSupport.readExactly(pair.server(), 64 * 1024).length);
    writer.get(5, TimeUnit.SECONDS);
  }

  @Test
  void writingToAPeerThatClosedIsAReset() throws Exception {
    ConnectionPair pair = pair();
    pair.server().close();
    assertThrows(ConnectionResetException.class, () -> pair.client().write(TestSupport.ascii("x")));
  }

  @Test
  void addressesNameTheSides() {
    ConnectionPair pair = ConnectionPair.inMemory();
    assertTrue(pair.client().localAddress().toString().matches("memory:\\d+/client"));
    assertTrue(pair.server().localAddress().toString().matches("memory:\\d+/server"));
    assertThrows(IllegalArgumentException.class, () -> ConnectionPair.inMemory(0, ConnectionOptions.defaults()));
  }
}
