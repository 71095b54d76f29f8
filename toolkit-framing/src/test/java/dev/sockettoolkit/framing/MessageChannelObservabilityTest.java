package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockettoolkit.core.ConnectionMetrics;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** Messages counted per channel, and the {@code dev.sockettoolkit.FrameError} JFR event. */
class MessageChannelObservabilityTest {
  private static final FrameCodec<String> CODEC =
      FrameCodecs.utf8(FrameCodecs.lengthPrefix().maxFrameSize(16).build());

  @Test
  void countsMessagesAndRecordsTheFrameErrorWithItsOffset() throws Exception {
    ConnectionMetrics metrics = ConnectionMetrics.create();
    ConnectionOptions options = ConnectionOptions.defaults().toBuilder().metrics(metrics).build();
    Path file = Files.createTempFile("frame-error", ".jfr");
    String[] remote = new String[1];
    long goodBytes;
    try (Recording recording = new Recording()) {
      recording.enable("dev.sockettoolkit.FrameError").withThreshold(Duration.ZERO);
      recording.enable("dev.sockettoolkit.Connection").withThreshold(Duration.ZERO);
      recording.start();
      ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, options);
      try (MessageChannel<String> client = MessageChannel.open(pair.client(), CODEC);
          MessageChannel<String> server = MessageChannel.open(pair.server(), CODEC)) {
        remote[0] = pair.server().remoteAddress().toString();
        client.send("a");
        client.sendAll(List.of("bb", "ccc"));
        assertEquals("a", server.receive());
        assertEquals("bb", server.receive());
        assertEquals("ccc", server.receive());
        server.send("ok");
        assertEquals("ok", client.receive());
        goodBytes = metrics.snapshot().bytesRead();
        assertEquals(4 + 1 + 4 + 2 + 4 + 3 + 4 + 2, goodBytes);
        // A header announcing 1000 bytes, over the codec's 16.
        pair.client().write(ByteBuffer.wrap(new byte[] {0, 0, 3, (byte) 0xe8}));
        assertThrows(FrameTooLongException.class, server::receive);
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    Files.delete(file);

    ConnectionMetrics.Snapshot s = metrics.snapshot();
    assertEquals(4, s.messagesWritten());
    assertEquals(4, s.messagesRead());
    assertEquals(Map.of("too_long", 1L), s.frameErrors());

    List<RecordedEvent> errors = named(events, "dev.sockettoolkit.FrameError");
    assertEquals(1, errors.size(), events::toString);
    RecordedEvent error = errors.get(0);
    assertEquals(CODEC.toString(), error.getString("codec"));
    assertEquals("too_long", error.getString("kind"));
    assertEquals(4 + 1 + 4 + 2 + 4 + 3, error.getLong("offset"));
    assertEquals(remote[0], error.getString("remoteAddress"));
    assertEquals(
        true, error.getString("exception").startsWith(FrameTooLongException.class.getName()));

    List<RecordedEvent> connections = named(events, "dev.sockettoolkit.Connection");
    assertEquals(2, connections.size(), events::toString);
    for (RecordedEvent c : connections) {
      boolean client = c.getString("side").equals("client");
      assertEquals(client ? 1 : 3, c.getLong("messagesRead"), c::toString);
      assertEquals(client ? 3 : 1, c.getLong("messagesWritten"), c::toString);
      assertEquals("in-memory", c.getString("transport"));
    }
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
  }

  @Test
  void lineCodecErrorsAreCountedByKind() throws Exception {
    ConnectionMetrics metrics = ConnectionMetrics.create();
    ConnectionOptions options = ConnectionOptions.defaults().toBuilder().metrics(metrics).build();
    ConnectionPair pair = ConnectionPair.inMemory(1024, options);
    try (MessageChannel<String> server = MessageChannel.open(pair.server(), FrameCodecs.lines().build())) {
      pair.client().write(ByteBuffer.wrap("half a line".getBytes(StandardCharsets.UTF_8)));
      pair.client().close();
      assertThrows(TruncatedFrameException.class, server::receive);
    }
    assertEquals(Map.of("truncated", 1L), metrics.snapshot().frameErrors());
  }
}
