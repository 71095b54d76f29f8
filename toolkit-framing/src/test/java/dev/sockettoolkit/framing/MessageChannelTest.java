package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sockettoolkit.core.ConnectionPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageChannelTest {
  @Test
  void roundTripsOverInMemoryPair() throws Exception {
    FrameCodec<String> codec = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build());
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> a = MessageChannel.open(pair.client(), codec);
      MessageChannel<String> b = MessageChannel.open(pair.server(), codec);
      a.send("hello");
      a.sendAll(List.of("x", "", "ünïcödé"));
      a.connection().shutdownOutput();
      assertEquals("hello", b.receive());
      assertEquals("x", b.receive());
      assertEquals("", b.receive());
      assertEquals("ünïcödé", b.receive());
      assertNull(b.receive());
      assertNull(b.receive());
    }
  }
}
