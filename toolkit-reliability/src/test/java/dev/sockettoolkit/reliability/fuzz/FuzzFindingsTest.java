package dev.sockettoolkit.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.LineCodec;
import dev.sockettoolkit.framing.TooLongPolicy;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TlsHandshakeException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the fuzz targets found, each pinned as a plain test so it stays fixed even if the seed
 * corpus changes. The crashing inputs themselves are in the corpus as {@code crash-*} files.
 */
class FuzzFindingsTest {

  /**
   * DecoderFuzzTest#lines, input crash-ba235b99…: with {@code FinalLine.ACCEPT}, a final line
   * ending in a CR whose LF never came was returned one byte over {@code maxLineLength}. The scan
   * lets a possible terminator's first byte pass the maximum, and the end of stream made that byte
   * content without a second check.
   */
  @Test
  void aFinalLineIsHeldToTheMaximumLineLength() throws Exception {
    LineCodec codec =
        FrameCodecs.lines().maxLineLength(4).finalLine(LineCodec.FinalLine.ACCEPT).build();
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap("abcd\r".getBytes(StandardCharsets.UTF_8));
    assertNull(decoder.decode(in));
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> decoder.decodeAtEnd(in));
    assertEquals(4, e.limit());
  }

  @Test
  void aFinalLineOverTheMaximumIsSkippedUnderTheDiscardPolicy() throws Exception {
    LineCodec codec =
        FrameCodecs.lines()
            .maxLineLength(4)
            .finalLine(LineCodec.FinalLine.ACCEPT)
            .onTooLong(TooLongPolicy.DISCARD)
            .build();
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap("ok\nabcd\r".getBytes(StandardCharsets.UTF_8));
    assertEquals("ok", decoder.decode(in));
    assertNull(decoder.decode(in));
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> decoder.decodeAtEnd(in));
    assertTrue(e.discarded());
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void aFinalLineAtTheMaximumIsStillAccepted() throws Exception {
    LineCodec codec =
        FrameCodecs.lines().maxLineLength(4).finalLine(LineCodec.FinalLine.ACCEPT).build();
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap("abc\r".getBytes(StandardCharsets.UTF_8));
    assertNull(decoder.decode(in));
    assertEquals("abc\r", decoder.decodeAtEnd(in));
  }

  /**
   * TlsRecordFuzzTest#handshakeRecords, input crash-9b54b782…: a ClientHello record followed by a
   * HelloRequest made the JDK's SSLEngine throw a ClassCastException (a server context handed to
   * the client-side HelloRequest consumer). The handshake wrapped it in a plain IOException, not
   * the documented TlsHandshakeException.
   */
  @Test
  void aRuntimeExceptionFromTheEngineIsAHandshakeFailure() throws Exception {
    byte[] input;
    try (InputStream in = getClass().getResourceAsStream(
        "TlsRecordFuzzTestInputs/handshakeRecords/crash-9b54b782fca361098a85f594804223e3762d0fc9")) {
      input = in.readAllBytes();
    }
    try (ConnectionPair plain = ConnectionPair.inMemory()) {
      plain.client().write(ByteBuffer.wrap(input));
      plain.client().shutdownOutput();
      TlsConnection server = TlsConnection.server(plain.server(), TestCertificates.get().serverConfig());
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, server::handshake);
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }
  }
}
