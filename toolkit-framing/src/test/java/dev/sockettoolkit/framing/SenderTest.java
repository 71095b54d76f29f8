package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link Sender} holds between sends; sending itself is tested through {@link MessageChannel}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SenderTest {
  private static final FrameCodec<ByteBuffer> CODEC = FrameCodecs.lengthPrefix().maxFrameSize(64 * 1024).build();

  @Test
  void holdsNoBufferBetweenSendsWhateverTheyWere() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory(1024 * 1024, ConnectionOptions.defaults())) {
      Sender<ByteBuffer> sender = new Sender<>(pair.client(), CODEC, ConnectionCounters.of(pair.client()));
      MessageChannel<ByteBuffer> receiver = MessageChannel.open(pair.server(), CODEC);
      sender.send(ByteBuffer.allocate(64));
      assertFalse(sender.holdsBuffer(), "after a small send");
      sender.sendAll(List.of(ByteBuffer.allocate(10), ByteBuffer.allocate(8 * 1024), ByteBuffer.allocate(10)));
      assertFalse(sender.holdsBuffer(), "after a sendAll with a payload sent by reference");
      assertThrows(FrameTooLongException.class, () -> sender.send(ByteBuffer.allocate(128 * 1024)));
      assertFalse(sender.holdsBuffer(), "after a send that could not be encoded");
      for (int i = 0; i < 4; i++) {
        receiver.receive();
      }
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          sends.add(threads.submit(() -> {
            sender.send(ByteBuffer.allocate(16));
            return null;
          }));
        }
        for (Future<?> send : sends) {
          send.get(10, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }
      assertFalse(sender.holdsBuffer(), "after concurrent sends");
      for (int i = 0; i < 400; i++) {
        assertEquals(16, receiver.receive().remaining());
      }
    }
  }
}
