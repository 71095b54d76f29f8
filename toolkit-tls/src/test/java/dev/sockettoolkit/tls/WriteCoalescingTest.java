package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Small writes are packed into full records when they queue up, and sent at once when alone. */
class WriteCoalescingTest {
  private static final int APPLICATION_RECORD_MIN = 17; // 1-byte inner type + 16-byte tag

  private static TlsPeers.Tls open(RecordCountingConnection[] counter) throws Exception {
    Transports.Pair pair = Transports.IN_MEMORY.open();
    counter[0] = new RecordCountingConnection(pair.client, n -> n >= APPLICATION_RECORD_MIN);
    TlsPeers.Tls tls =
        new TlsPeers.Tls(pair, TlsConnection.client(counter[0], TestPki.client().build(), "localhost"),
            TlsConnection.server(pair.server, TestPki.server().build()));
    tls.handshake();
    return tls;
  }

  @Test
  void aLoneSmallWriteIsSentAtOnce() throws Exception {
    RecordCountingConnection[] counter = new RecordCountingConnection[1];
    try (TlsPeers.Tls tls = open(counter)) {
      int records = counter[0].records.get();
      tls.client.write(ascii("ping"));
      ByteBuffer received = ByteBuffer.allocate(4);
      while (received.hasRemaining()) {
        tls.server.read(received, Duration.ofSeconds(2));
      }
      assertArrayEquals("ping".getBytes(), received.array());
      assertEquals(records + 1, counter[0].records.get());
    }
  }

  @Test
  void manySmallBuffersInOneWriteBecomeFullRecords() throws Exception {
    RecordCountingConnection[] counter = new RecordCountingConnection[1];
    try (TlsPeers.Tls tls = open(counter)) {
      ByteBuffer[] frames = new ByteBuffer[2000];
      for (int i = 0; i < frames.length; i++) {
        frames[i] = ByteBuffer.wrap(new byte[50]);
      }
      int records = counter[0].records.get();
      int writes = counter[0].writes.get();
      CompletableFuture<Long> received = TlsPeers.async(() -> TlsConnectionTest.receive(tls.server, 100_000));
      tls.client.write(frames);
      TlsPeers.await(received);
      int usedRecords = counter[0].records.get() - records;
      int usedWrites = counter[0].writes.get() - writes;
      System.out.printf("2000 x 50-byte buffers in one write: %d records, %d transport writes%n", usedRecords, usedWrites);
      assertTrue(usedRecords <= 8, "records: " + usedRecords); // ceil(100000 / 16384) + 1
      assertTrue(usedWrites <= 4, "transport writes: " + usedWrites);
    }
  }

  @Test
  void smallWritesQueuedByManyThreadsShareRecords() throws Exception {
    RecordCountingConnection[] counter = new RecordCountingConnection[1];
    try (TlsPeers.Tls tls = open(counter)) {
      int threads = 8;
      int perThread = 500;
      int size = 64;
      CompletableFuture<Long> received =
          TlsPeers.async(() -> TlsConnectionTest.receive(tls.server, threads * perThread * size));
      int records = counter[0].records.get();
      counter[0].writeDelayMillis = 1;
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        writers.add(
            TlsPeers.async(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    tls.client.write(ByteBuffer.wrap(new byte[size]));
                  }
                  return null;
                }));
      }
      for (CompletableFuture<Void> writer : writers) {
        TlsPeers.await(writer);
      }
      TlsPeers.await(received);
      int used = counter[0].records.get() - records;
      System.out.printf("%d small writes from %d threads: %d records%n", threads * perThread, threads, used);
      assertTrue(used < threads * perThread / 4, "records: " + used);
    }
  }
}
