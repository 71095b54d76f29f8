package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionResetException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each fault does what it says at the byte it says, and says so with the seed. */
class FaultTest {
  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }

  private static NetworkConditions with(Fault fault) {
    return NetworkConditions.builder().seed(99).chunking(Chunking.random(50)).fault(fault).build();
  }

  @Test
  void resetAtAnOffsetResetsBothSidesAndNeverDeliversBytesAfterIt() throws Exception {
    byte[] data = data(1000);
    try (ConnectionPair pair = Loopback.pair(with(Fault.resetAt(300)))) {
      ConnectionResetException writerSees =
          assertThrows(ConnectionResetException.class, () -> pair.client().write(ByteBuffer.wrap(data)));
      assertTrue(writerSees.getMessage().contains("seed=99"), writerSees.getMessage());
      byte[] got = new byte[1000];
      int n = 0;
      boolean reset = false;
      try {
        int r;
        while ((r = pair.server().read(ByteBuffer.wrap(got, n, got.length - n))) > 0) {
          n += r;
        }
      } catch (ConnectionResetException expected) {
        reset = true; // like TCP, a reset may discard bytes the reader had not yet taken
      }
      assertTrue(reset, "the reader saw end of stream instead of a reset");
      assertTrue(n <= 300, n + " bytes delivered past the reset at 300");
      assertArrayEquals(java.util.Arrays.copyOf(data, n), java.util.Arrays.copyOf(got, n));
    }
  }

  @Test
  void endOfStreamAtAnOffsetEndsTheStreamThere() throws Exception {
    byte[] data = data(1000);
    try (ConnectionPair pair = Loopback.pair(with(Fault.endOfStreamAt(512)))) {
      assertThrows(IOException.class, () -> pair.client().write(ByteBuffer.wrap(data)));
      byte[] got = pair.server().inputStream().readAllBytes();
      assertArrayEquals(java.util.Arrays.copyOf(data, 512), got);
    }
  }

  @Test
  void corruptChangesExactlyTheChosenByte() throws Exception {
    byte[] data = data(1000);
    try (ConnectionPair pair = Loopback.pair(with(Fault.corruptAt(777)))) {
      pair.client().write(ByteBuffer.wrap(data));
      pair.client().shutdownOutput();
      byte[] got = pair.server().inputStream().readAllBytes();
      assertEquals(data.length, got.length);
      for (int i = 0; i < data.length; i++) {
        if (i == 777) {
          assertTrue(data[i] != got[i], "byte 777 unchanged");
        } else {
          assertEquals(data[i], got[i], "byte " + i);
        }
      }
    }
  }

  @Test
  void stallDelaysButLosesNothing() throws Exception {
    byte[] data = data(1000);
    try (ConnectionPair pair = Loopback.pair(with(Fault.stallAt(10, Duration.ofMillis(200))))) {
      long start = System.nanoTime();
      pair.client().write(ByteBuffer.wrap(data));
      pair.client().shutdownOutput();
      byte[] got = pair.server().inputStream().readAllBytes();
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(190).toNanos(), "no stall");
      assertArrayEquals(data, got);
    }
  }

  @Test
  void theSameSeedCutsTheSameWay() throws Exception {
    byte[] data = data(5000);
    assertEquals(readSizes(data, 1234), readSizes(data, 1234));
  }

  private static java.util.List<Integer> readSizes(byte[] data, long seed) throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder().seed(seed).chunking(Chunking.random(100)).build();
    java.util.List<Integer> sizes = new java.util.ArrayList<>();
    try (ConnectionPair pair = Loopback.pair(conditions)) {
      pair.client().write(ByteBuffer.wrap(data));
      pair.client().shutdownOutput();
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      int n;
      while ((n = pair.server().read(buffer)) >= 0) {
        sizes.add(n);
        buffer.clear();
      }
    }
    return sizes;
  }
}
