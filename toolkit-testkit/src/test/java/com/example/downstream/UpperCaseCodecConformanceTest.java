package com.example.downstream;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.testkit.CodecConformance;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * A downstream codec (upper-case ASCII words over a 2-byte length prefix, composed with {@code
 * map}) checked by the testkit's codec conformance suite.
 */
class UpperCaseCodecConformanceTest implements CodecConformance<String> {
  @Override
  public FrameCodec<String> codec(int maxFrameSize) {
    return FrameCodecs.text(FrameCodecs.lengthPrefix().width(2).maxFrameSize(maxFrameSize).build(), StandardCharsets.US_ASCII)
        .map(s -> s.toUpperCase(Locale.ROOT), s -> s.toUpperCase(Locale.ROOT));
  }

  @Override
  public Arbitrary<String> messages(int maxFrameSize) {
    return Arbitraries.strings().withCharRange('A', 'Z').withChars(' ').ofMaxLength(maxFrameSize);
  }

  @Override
  public int frameSize(String message) {
    return message.length();
  }
}
