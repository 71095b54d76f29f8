package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.BufferPool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MessageChannel} over the in-memory pair and over real TCP on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MessageChannelTest {
  private static Transports transports;
  private static ExecutorService threads;

  @BeforeAll
  static void start() {
    transports = new Transports();
    threads = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    transports.close();
  }

  private static final FrameCodec<ByteBuffer> BINARY =
      FrameCodecs.lengthPrefix().maxFrameSize(4 * 1024 * 1024).build();
  private static final FrameCodec<String> TEXT = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build());

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void roundTripsSmallAndLargeFramesThenEndsCleanly(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      List<ByteBuffer> sent = new ArrayList<>();
      for (int size : new int[] {0, 1, 100, 4095, 4096, 70_000, 3 * 1024 * 1024, 5}) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) size);
        sent.add(ByteBuffer.wrap(bytes));
      }
      Future<?> writer = threads.submit(() -> {
        for (ByteBuffer frame : sent) {
          a.send(frame);
        }
        a.sendAll(sent);
        a.connection().shutdownOutput();
        return null;
      });
      List<ByteBuffer> received = b.stream().collect(Collectors.toList());
      writer.get();
      List<ByteBuffer> expected = new ArrayList<>(sent);
      expected.addAll(sent);
      assertEquals(expected, received);
      sent.forEach(frame -> assertEquals(0, frame.position(), "send leaves the position alone"));
      assertNull(b.receive(), "a clean end stays a clean end");
      assertTrue(b.receiveBufferCapacity() <= InboundBuffer.SMALL, "no large buffer held at the end");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void concurrentSendersNeverInterleaveFrames(String transport) throws Exception {
    int senders = 8;
    int perSender = 1500;
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < senders; t++) {
        int id = t;
        futures.add(threads.submit(() -> {
          go.await();
          for (int seq = 0; seq < perSender; seq++) {
            a.send(frame(id, seq));
          }
          return null;
        }));
      }
      go.countDown();
      Future<?> closer = threads.submit(() -> {
        for (Future<?> f : futures) {
          f.get();
        }
        a.close();
        return null;
      });
      int[] next = new int[senders];
      int count = 0;
      for (ByteBuffer frame : b) {
        int id = frame.getInt(0);
        int seq = frame.getInt(4);
        assertEquals(next[id]++, seq, "frames of one sender arrive in order");
        assertEquals(frame(id, seq), frame, "frame content intact");
        count++;
      }
      closer.get();
      assertEquals(senders * perSender, count);
    }
  }

  /** A frame whose size and content depend on who sent it: some are large enough to go uncopied. */
  private static ByteBuffer frame(int id, int seq) {
    int size = 8 + (seq % 50 == 0 ? 9000 : (seq * 7 + id) % 200);
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(id).putInt(seq);
    while (b.hasRemaining()) {
      b.put((byte) (id * 31 + seq));
    }
    return b.flip();
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void endOfStreamInsideAFrameIsATruncation(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<String> b = MessageChannel.open(pair.server(), TEXT);
      pair.client().write(ByteBuffer.wrap(new byte[] {0, 0, 0, 2, 'o', 'k', 0, 0, 0, 10, 'a', 'b', 'c'}));
      pair.client().shutdownOutput();
      assertEquals("ok", b.receive());
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, b::receive);
      assertEquals(7, e.missingBytes());
      assertSame(e, assertThrows(TruncatedFrameException.class, b::receive));
      assertFalse(b.isOpen());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void receiveTimesOutAndStaysUsable(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<String> b = MessageChannel.open(pair.server(), TEXT);
      ConnectionTimeoutException e =
          assertThrows(ConnectionTimeoutException.class, () -> b.receive(Duration.ofMillis(100)));
      assertEquals(ConnectionTimeoutException.Kind.READ, e.kind());
      pair.client().write(ByteBuffer.wrap(new byte[] {0, 0, 0, 5, 'h', 'e'}));
      assertThrows(ConnectionTimeoutException.class, () -> b.receive(Duration.ofMillis(100)));
      pair.client().write(ByteBuffer.wrap(new byte[] {'l', 'l', 'o'}));
      assertEquals("hello", b.receive(Duration.ofSeconds(5)));
      assertTrue(b.isOpen());
    }
  }

  /** A large frame's header, and {@code bodyBytes} bytes (0, 1, 2, ...) of its body. */
  private static ByteBuffer largeFrameStart(int length, int bodyBytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + bodyBytes).putInt(length);
    for (int i = 0; i < bodyBytes; i++) {
      b.put((byte) i);
    }
    return b.flip();
  }

  /** {@code length} bytes counting up from {@code from}, as a buffer in read mode. */
  static ByteBuffer counting(int from, int length) {
    ByteBuffer b = ByteBuffer.allocate(length);
    for (int i = 0; i < length; i++) {
      b.put((byte) (from + i));
    }
    return b.flip();
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void aLargeBodyReadStraightIntoItsFrameSurvivesATimeout(String transport) throws Exception {
    int length = 100_000;
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      pair.client().write(largeFrameStart(length, 60_000));
      assertThrows(ConnectionTimeoutException.class, () -> b.receive(Duration.ofMillis(150)));
      pair.client().write(counting(60_000, 30_000));
      assertThrows(ConnectionTimeoutException.class, () -> b.receive(Duration.ofMillis(150)));
      assertNull(b.receiveBuffered(), "nothing complete while the body is still arriving");
      pair.client().write(counting(90_000, length - 90_000), largeFrameStart(3, 3));
      assertEquals(counting(0, length), b.receive(Duration.ofSeconds(5)));
      assertEquals(counting(0, 3), b.receive(Duration.ofSeconds(5)), "the frame after it is intact");
      assertTrue(b.isOpen());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void endOfStreamInsideALargeBodyIsATruncation(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      pair.client().write(largeFrameStart(3, 3), largeFrameStart(50_000, 40_000));
      pair.client().shutdownOutput();
      assertEquals(counting(0, 3), b.receive());
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, b::receive);
      assertEquals(10_000, e.missingBytes());
      assertSame(e, assertThrows(TruncatedFrameException.class, b::receive));
      assertFalse(b.isOpen());
    }
  }

  @Test
  void aHeaderAloneDoesNotMakeTheChannelHoldTheWholeFrame() throws Exception {
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      // A peer announces the largest frame (1 MiB) and sends 10 bytes of it.
      pair.client().write(largeFrameStart(BINARY.maxFrameSize(), 10));
      Future<ByteBuffer> blocked = threads.submit(() -> b.receive());
      Thread.sleep(200);
      assertFalse(blocked.isDone());
      assertTrue(
          b.receiveBufferCapacity() <= InboundBuffer.SMALL,
          "holds " + b.receiveBufferCapacity() + " bytes for 14 received");
      pair.client().abort();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aHeaderOfAFrameUpTo64KiBReservesItsBody() throws Exception {
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      pair.client().write(largeFrameStart(BufferPool.BUFFER_SIZE, 10));
      Future<ByteBuffer> blocked = threads.submit(() -> b.receive());
      Thread.sleep(200);
      assertFalse(blocked.isDone());
      // The body is read straight into the frame; the bound is the 64 KiB a streaming read uses.
      assertEquals(BufferPool.BUFFER_SIZE, b.receiveBufferCapacity());
      pair.client().write(counting(10, BufferPool.BUFFER_SIZE - 10));
      assertEquals(counting(0, BufferPool.BUFFER_SIZE), blocked.get(5, TimeUnit.SECONDS));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aTooLongFrameClosesTheConnectionByDefault() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b =
          MessageChannel.open(pair.server(), FrameCodecs.lengthPrefix().maxFrameSize(10).build());
      pair.client().write(ByteBuffer.wrap(new byte[] {0, 0x20, 0, 0}));
      FrameTooLongException e = assertThrows(FrameTooLongException.class, b::receive);
      assertEquals(0x200000, e.length());
      assertFalse(pair.server().isOpen());
    }
  }

  @Test
  void aTooLongFrameIsSkippedWithTheDiscardPolicy() throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().width(2).maxFrameSize(10).onTooLong(TooLongPolicy.DISCARD).build();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), codec);
      byte[] big = new byte[2 + 50_000];
      big[0] = (byte) (50_000 >> 8);
      big[1] = (byte) 50_000;
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          pair.client().write(ByteBuffer.wrap(big), ByteBuffer.wrap(new byte[] {0, 1, 42}));
          pair.client().shutdownOutput();
        } catch (Exception ex) {
          throw new RuntimeException(ex);
        }
      }, threads);
      assertTrue(assertThrows(FrameTooLongException.class, b::receive).discarded());
      assertEquals(ByteBuffer.wrap(new byte[] {42}), b.receive());
      assertNull(b.receive());
      writer.get();
    }
  }

  @Test
  void malformedInputClosesTheConnection() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> b = MessageChannel.open(pair.server(), FrameCodecs.lines().build());
      pair.client().write(ByteBuffer.wrap(new byte[] {'o', 'k', '\n', (byte) 0xC0, '\n'}));
      assertEquals("ok", b.receive());
      MalformedFrameException e = assertThrows(MalformedFrameException.class, b::receive);
      assertEquals(3, e.offset());
      assertFalse(pair.server().isOpen());
    }
  }

  @Test
  void sendingATooLongFrameSendsNothingAndKeepsTheChannel() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(5).build();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> a = MessageChannel.open(pair.client(), codec);
      MessageChannel<String> b = MessageChannel.open(pair.server(), codec);
      assertThrows(FrameTooLongException.class, () -> a.send("toolong"));
      assertThrows(MalformedFrameException.class, () -> a.sendAll(List.of("one", "tw\nx", "four")));
      a.send("five");
      a.close();
      assertEquals(List.of("one", "five"), b.stream().collect(Collectors.toList()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void closeDeliversEverythingSentBefore(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<String> a = MessageChannel.open(pair.client(), FrameCodecs.lines().build());
      MessageChannel<String> b = MessageChannel.open(pair.server(), FrameCodecs.lines().build());
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        lines.add("line " + i);
      }
      Future<?> writer = threads.submit(() -> {
        a.sendAll(lines);
        a.close();
        return null;
      });
      List<String> received = new ArrayList<>();
      b.forEach(received::add);
      writer.get();
      assertEquals(lines, received);
    }
  }

  @Test
  void aFrameArrivingOneByteAtATimeIsDecoded() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> b = MessageChannel.open(pair.server(), FrameCodecs.lines().maxLineLength(100_000).build());
      byte[] line = ("x".repeat(20_000) + "\n").getBytes(StandardCharsets.US_ASCII);
      Future<?> writer = threads.submit(() -> {
        for (byte value : line) {
          pair.client().write(ByteBuffer.wrap(new byte[] {value}));
        }
        pair.client().shutdownOutput();
        return null;
      });
      assertEquals(20_000, b.receive().length());
      assertNull(b.receive());
      writer.get();
    }
  }

  @Test
  void anIdleChannelHoldsOnlyASmallBuffer() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      List<ByteBuffer> many = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        many.add(ByteBuffer.allocate(60));
      }
      Future<?> writer = threads.submit(() -> {
        a.sendAll(many);
        return null;
      });
      for (int i = 0; i < many.size(); i++) {
        b.receive();
      }
      writer.get();
      // The next receive blocks with nothing buffered: it must not hold the 64 KiB buffer.
      Future<ByteBuffer> blocked = threads.submit(() -> b.receive());
      Thread.sleep(200);
      assertFalse(blocked.isDone());
      assertTrue(b.receiveBufferCapacity() <= InboundBuffer.SMALL, "capacity " + b.receiveBufferCapacity());
      a.send(ByteBuffer.wrap(new byte[] {1}));
      assertEquals(ByteBuffer.wrap(new byte[] {1}), blocked.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void shortReceiveTimeoutsStillWorkRightAfterABurst() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      a.send(ByteBuffer.allocate(30_000)); // a bulk read: the next read probes with the large buffer
      assertEquals(30_000, b.receive().remaining());
      ConnectionTimeoutException e =
          assertThrows(ConnectionTimeoutException.class, () -> b.receive(Duration.ofMillis(5)));
      assertEquals(ConnectionTimeoutException.Kind.READ, e.kind());
      assertEquals(Duration.ofMillis(5), e.timeout());
      a.send(ByteBuffer.allocate(30_000));
      assertEquals(30_000, b.receive(Duration.ofSeconds(5)).remaining());
      Future<ByteBuffer> later = threads.submit(() -> b.receive(Duration.ofSeconds(5)));
      Thread.sleep(100); // past the probe: waits in the small buffer now
      a.send(ByteBuffer.wrap(new byte[] {7}));
      assertEquals(ByteBuffer.wrap(new byte[] {7}), later.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void concurrentSendsAreCoalescedIntoFewerWrites() throws Exception {
    AllocationTest.StubConnection slow = new AllocationTest.StubConnection(new byte[0]) {
      @Override
      public void write(ByteBuffer... srcs) {
        super.write(srcs);
        try {
          Thread.sleep(2); // a slow network: senders pile up behind the lock
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    MessageChannel<ByteBuffer> channel = MessageChannel.open(slow, BINARY);
    int senders = 8;
    int each = 50;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < senders; t++) {
      futures.add(threads.submit(() -> {
        go.await();
        for (int i = 0; i < each; i++) {
          channel.send(ByteBuffer.allocate(10));
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    assertEquals((long) senders * each * 14, slow.written);
    assertTrue(slow.writes < senders * each / 2, slow.writes + " writes for " + senders * each + " sends");
  }

  @Test
  void blockedSendersAreReleasedWhenTheConnectionFails() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(threads.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            a.send(ByteBuffer.allocate(1000)); // nobody reads: the pipe fills and writes block
          }
          return null;
        }));
      }
      Thread.sleep(300);
      pair.server().abort();
      for (Future<?> f : futures) {
        java.util.concurrent.ExecutionException e =
            assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.io.IOException, e.getCause().toString());
      }
    }
  }

  @Test
  void customCodecPlugsIn() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      FrameCodec<String> netstrings = FrameCodecs.utf8(new NetstringCodec(1000));
      MessageChannel<String> a = MessageChannel.open(pair.client(), netstrings);
      MessageChannel<String> b = MessageChannel.open(pair.server(), netstrings);
      a.sendAll(List.of("hello", "", "wörld"));
      a.close();
      assertEquals(List.of("hello", "", "wörld"), b.stream().collect(Collectors.toList()));
    }
  }
}
