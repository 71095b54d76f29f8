package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example of docs/CUSTOM_CODECS.md works, and the page shows this very source. */
class NetstringCodecTest {
  private final NetstringCodec codec = new NetstringCodec(100);

  @Test
  void encodesAndDecodesNetstrings() throws Exception {
    assertEquals(ByteBuffer.wrap("5:hello,".getBytes(StandardCharsets.US_ASCII)),
        codec.encodeToBuffer(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII))));
    assertEquals(List.of("hello", "", "end"), ChunkingRegressionTest.decode(codec, "5:hel", "lo,0:", ","));
  }

  @Test
  void rejectsBadInputEarly() {
    assertTrue(ChunkingRegressionTest.decode(codec, "999999999999").get(0).toString()
        .startsWith("FrameTooLongException"));
    assertTrue(ChunkingRegressionTest.decode(codec, "01:x,").get(0).toString().startsWith("Malformed"));
    assertTrue(ChunkingRegressionTest.decode(codec, "1:xy").get(0).toString().startsWith("Malformed"));
    assertThrows(TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(ByteBuffer.wrap("5:he".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void docsShowTheTestedSource() throws Exception {
    Path doc = Path.of("..", "docs", "CUSTOM_CODECS.md");
    String source = Files.readString(
        Path.of("src", "test", "java", "dev", "sockettoolkit", "framing", "NetstringCodec.java"));
    String body = source.substring(source.indexOf("final class NetstringCodec"));
    assertTrue(Files.readString(doc).contains(body),
        "docs/CUSTOM_CODECS.md must show NetstringCodec.java from 'final class NetstringCodec' on");
  }
}
