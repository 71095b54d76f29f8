package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.sockettoolkit.framing.MessageChannelTest.counting;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.BufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MessageChannel#receiveBatch}: the batches, the views it lends and their lifetime, the
 * pooled direct buffers of large frames, and errors met in the middle of a batch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReceiveBatchTest {
  private static final LengthPrefixCodec BINARY =
      FrameCodecs.lengthPrefix().maxFrameSize(1024 * 1024).build();

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

  /** Direct buffers out before the test: channels of other tests may still hold some. */
  private int before;

  @BeforeEach
  void countDirectBuffers() {
    before = BufferPool.DIRECT.out();
  }

  private static ByteBuffer copy(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b.duplicate());
    return c.flip();
  }

  /** Receives batches until the end of stream, returning copies of the messages and the batch sizes. */
  private static List<ByteBuffer> drain(MessageChannel<ByteBuffer> channel, List<Integer> sizes)
      throws IOException {
    List<ByteBuffer> received = new ArrayList<>();
    while (channel.receiveBatch(batch -> {
      sizes.add(batch.size());
      for (ByteBuffer m : batch) {
        received.add(copy(m));
      }
    })) {
      // every message is copied inside the handler
    }
    return received;
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void framesThatArriveTogetherComeAsOneBatchOfViews(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      List<ByteBuffer> sent = List.of(counting(0, 10), counting(1, 0), counting(2, 1000));
      a.sendAll(sent);
      List<ByteBuffer> got = new ArrayList<>();
      assertTrue(b.receiveBatch(batch -> {
        for (ByteBuffer m : batch) {
          assertFalse(m.isReadOnly());
          got.add(copy(m));
        }
        assertThrows(UnsupportedOperationException.class, () -> batch.remove(0));
      }));
      while (got.size() < sent.size()) {
        assertTrue(b.receiveBatch(batch -> batch.forEach(m -> got.add(copy(m)))));
      }
      assertEquals(sent, got);
      a.connection().shutdownOutput();
      assertFalse(b.receiveBatch(batch -> {
        throw new AssertionError("called at the end of the stream");
      }));
      assertFalse(b.receiveBatch(batch -> {
        throw new AssertionError("called after the end of the stream");
      }));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void anEchoServerIsOneLine(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> client = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> server = MessageChannel.open(pair.server(), BINARY);
      Future<?> echo = threads.submit(() -> {
        while (server.receiveBatch(server::sendAll)) {
          // each batch goes back in one write
        }
        server.connection().shutdownOutput();
        return null;
      });
      List<ByteBuffer> sent = new ArrayList<>();
      int[] sizes = {0, 1, 64, 1024, 40_000, 65_536, 65_537, 200_000, 5, 33_000};
      for (int i = 0; i < 60; i++) {
        sent.add(counting(i, sizes[i % sizes.length]));
      }
      Future<?> writer = threads.submit(() -> {
        for (ByteBuffer m : sent) {
          client.send(m);
        }
        client.connection().shutdownOutput();
        return null;
      });
      List<ByteBuffer> echoed = new ArrayList<>();
      for (ByteBuffer m; (m = client.receive()) != null; ) {
        echoed.add(m);
      }
      writer.get(30, TimeUnit.SECONDS);
      echo.get(30, TimeUnit.SECONDS);
      assertEquals(sent, echoed);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inMemory", "tcp"})
  void aLargeFrameIsLentInAPooledDirectBuffer(String transport) throws Exception {
    try (ConnectionPair pair = transports.pair(transport)) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      Future<?> writer = threads.submit(() -> {
        a.send(counting(7, 50_000));
        a.send(counting(8, 100_000)); // over the pooled size: an ordinary heap buffer
        return null;
      });
      List<ByteBuffer> got = new ArrayList<>();
      while (got.isEmpty()) {
        assertTrue(b.receiveBatch(batch -> {
          ByteBuffer m = batch.get(0);
          if (m.remaining() == 50_000) {
            assertTrue(m.isDirect(), "a 50,000-byte body lands in a pooled direct buffer");
          } else {
            assertFalse(m.isDirect(), "over 64 KiB: a heap buffer, as for receive()");
          }
          batch.forEach(x -> got.add(copy(x)));
        }));
      }
      while (got.size() < 2) {
        assertTrue(b.receiveBatch(batch -> batch.forEach(x -> got.add(copy(x)))));
      }
      assertEquals(List.of(counting(7, 50_000), counting(8, 100_000)), got);
      writer.get(30, TimeUnit.SECONDS);
      a.close();
      b.close();
      assertEquals(before, BufferPool.DIRECT.out(), "every pooled buffer given back");
    }
  }

  @Test
  void aBodyStartedInABatchAndFinishedByReceiveIsCopiedForTheCaller() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      ByteBuffer frame = BINARY.encodeToBuffer(counting(3, 60_000));
      ByteBuffer first = frame.duplicate().limit(40_000);
      pair.client().write(first);
      assertThrows(
          ConnectionTimeoutException.class,
          () -> b.receiveBatch(Duration.ofMillis(100), batch -> {
            throw new AssertionError("no whole message yet");
          }));
      assertEquals(before + 1, BufferPool.DIRECT.out(), "the body is read into a pooled buffer");
      pair.client().write(frame.position(40_000));
      ByteBuffer kept = b.receive(Duration.ofSeconds(5));
      assertEquals(before, BufferPool.DIRECT.out(), "the pooled buffer went back");
      assertTrue(kept.hasArray(), "receive() gives a heap buffer the caller owns");
      assertEquals(counting(3, 60_000), kept);
    }
  }

  @Test
  void theHandlerMustNotReceiveOnItsOwnChannel() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      a.send(counting(0, 5));
      List<Class<?>> failures = new ArrayList<>();
      assertTrue(b.receiveBatch(batch -> {
        for (MessageChannelCall call : List.<MessageChannelCall>of(
            b::receive, b::receiveBuffered, () -> b.receiveBatch(x -> {}))) {
          failures.add(assertThrows(IllegalStateException.class, call::run).getClass());
        }
        assertEquals(List.of(counting(0, 5)), batch);
      }));
      assertEquals(3, failures.size());
      a.send(counting(1, 5));
      assertEquals(counting(1, 5), b.receive(Duration.ofSeconds(5)), "the channel carries on");
    }
  }

  @FunctionalInterface
  private interface MessageChannelCall {
    Object run() throws IOException;
  }

  @Test
  void anExceptionFromTheHandlerLeavesTheChannelUsable() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      a.send(counting(0, 40_000));
      IOException thrown = new IOException("handler failed");
      assertSame(thrown, assertThrows(IOException.class, () -> b.receiveBatch(batch -> {
        throw thrown;
      })));
      a.send(counting(1, 3));
      assertEquals(counting(1, 3), b.receive(Duration.ofSeconds(5)));
      a.close();
      b.close();
      assertEquals(before, BufferPool.DIRECT.out(), "the lent body went back despite the exception");
    }
  }

  @Test
  void closingFromTheHandlerKeepsTheBatchValidUntilItReturns() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      a.sendAll(List.of(counting(0, 100), counting(1, 100)));
      List<ByteBuffer> after = new ArrayList<>();
      b.receiveBatch(batch -> {
        b.close();
        batch.forEach(m -> after.add(copy(m)));
      });
      assertEquals(counting(0, 100), after.get(0));
      assertEquals(0, b.receiveBufferCapacity(), "the buffers went once the handler returned");
      assertFalse(b.isOpen());
    }
  }

  @Test
  void aMalformedFrameAfterGoodOnesEndsTheBatchAndFailsTheNextCall() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> b = MessageChannel.open(pair.server(), FrameCodecs.lines().build());
      pair.client().write(
          ByteBuffer.wrap("one\ntwo\n".getBytes(StandardCharsets.US_ASCII)),
          ByteBuffer.wrap(new byte[] {(byte) 0xC0, '\n', 'x', '\n'}));
      List<String> got = new ArrayList<>();
      assertTrue(b.receiveBatch(got::addAll));
      assertEquals(List.of("one", "two"), got);
      MalformedFrameException e = assertThrows(MalformedFrameException.class, b::receive);
      assertEquals(8, e.offset());
      assertSame(e, assertThrows(MalformedFrameException.class, () -> b.receiveBatch(x -> {})));
      assertFalse(pair.server().isOpen());
    }
  }

  @Test
  void theHandlerMayAnswerTheGoodFramesBeforeAMalformedOneThenTheConnectionCloses()
      throws Exception {
    FrameCodec<String> lines = FrameCodecs.lines().build();
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<String> client = MessageChannel.open(pair.client(), lines)) {
      MessageChannel<String> b = MessageChannel.open(pair.server(), lines);
      pair.client().write(
          ByteBuffer.wrap("one\ntwo\n".getBytes(StandardCharsets.US_ASCII)),
          ByteBuffer.wrap(new byte[] {(byte) 0xC0, '\n'}));
      assertTrue(b.receiveBatch(b::sendAll), "the echo of the good frames is sent");
      assertFalse(pair.server().isOpen(), "closed once the handler returned");
      assertEquals("one", client.receive());
      assertEquals("two", client.receive());
      assertNull(client.receive(), "then the end of the stream");
      assertThrows(MalformedFrameException.class, () -> b.receiveBatch(x -> {}));
    }
  }

  @Test
  void aSkippedTooLongFrameAfterGoodOnesIsReportedByTheNextCall() throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().width(2).maxFrameSize(10).onTooLong(TooLongPolicy.DISCARD).build();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), codec);
      pair.client().write(ByteBuffer.wrap(new byte[] {
          0, 1, 41, // a good frame
          0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 20 bytes: too long
          0, 1, 42}));
      pair.client().shutdownOutput();
      List<Integer> sizes = new ArrayList<>();
      List<ByteBuffer> first = new ArrayList<>();
      assertTrue(b.receiveBatch(batch -> {
        sizes.add(batch.size());
        batch.forEach(m -> first.add(copy(m)));
      }));
      assertEquals(List.of(ByteBuffer.wrap(new byte[] {41})), first);
      FrameTooLongException e =
          assertThrows(FrameTooLongException.class, () -> b.receiveBatch(x -> {}));
      assertTrue(e.discarded());
      assertEquals(List.of(ByteBuffer.wrap(new byte[] {42})), drain(b, sizes));
      assertTrue(b.isOpen());
    }
  }

  @Test
  void aMappedCodecGetsOwnedMessages() throws Exception {
    FrameCodec<String> text = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build());
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> a = MessageChannel.open(pair.client(), text);
      MessageChannel<String> b = MessageChannel.open(pair.server(), text);
      a.sendAll(List.of("ä", "b", "c"));
      a.connection().shutdownOutput();
      List<String> kept = new ArrayList<>();
      while (b.receiveBatch(kept::addAll)) {
        // Strings are the caller's to keep, as from receive()
      }
      assertEquals(List.of("ä", "b", "c"), kept);
    }
  }

  @Test
  void aTimeoutLeavesTheChannelUsable() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), BINARY);
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      assertThrows(
          ConnectionTimeoutException.class,
          () -> b.receiveBatch(Duration.ofMillis(50), x -> {}));
      assertThrows(IllegalArgumentException.class, () -> b.receiveBatch(Duration.ZERO, x -> {}));
      a.send(counting(0, 9));
      List<ByteBuffer> got = new ArrayList<>();
      assertTrue(b.receiveBatch(Duration.ofSeconds(5), batch -> batch.forEach(m -> got.add(copy(m)))));
      assertEquals(List.of(counting(0, 9)), got);
    }
  }

  @Test
  void endOfStreamInsideALentBodyIsATruncationAndGivesTheBufferBack() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      ByteBuffer frame = BINARY.encodeToBuffer(counting(0, 50_000));
      pair.client().write(frame.limit(40_000));
      pair.client().shutdownOutput();
      TruncatedFrameException e =
          assertThrows(TruncatedFrameException.class, () -> b.receiveBatch(x -> {}));
      assertEquals(10_004, e.missingBytes());
      assertFalse(b.isOpen());
    }
  }

  @Test
  void aConnectionFailureGivesTheBuffersBackAndIsTerminal() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      ByteBuffer frame = BINARY.encodeToBuffer(counting(0, 10_000));
      pair.client().write(frame.limit(6_000)); // part of a frame: held in a 64 KiB buffer
      assertThrows(ConnectionTimeoutException.class, () -> b.receive(Duration.ofMillis(100)));
      assertEquals(BufferPool.BUFFER_SIZE, b.receiveBufferCapacity());
      assertEquals(before + 1, BufferPool.DIRECT.out());
      pair.client().abort();
      IOException e = assertThrows(IOException.class, () -> b.receiveBatch(x -> {}));
      assertEquals(0, b.receiveBufferCapacity(), "the buffers went back, though b is never closed");
      assertEquals(before, BufferPool.DIRECT.out());
      assertSame(e, assertThrows(IOException.class, b::receive), "terminal: the same exception");
    }
  }
}
