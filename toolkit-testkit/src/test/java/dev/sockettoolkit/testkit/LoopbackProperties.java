package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the (loss-free) network does, the bytes arrive whole and in order. */
class LoopbackProperties {

  @Property(tries = 60)
  void everyByteArrivesInOrder(
      @ForAll("streams") List<byte[]> writes, @ForAll NetworkConditions conditions)
      throws Exception {
    try (ConnectionPair pair = Loopback.pair(conditions)) {
      CompletableFuture<byte[]> received =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return pair.server().inputStream().readAllBytes();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      for (byte[] w : writes) {
        pair.client().write(ByteBuffer.wrap(w));
        sent.write(w);
      }
      pair.client().shutdownOutput();
      assertArrayEquals(
          sent.toByteArray(), received.get(30, TimeUnit.SECONDS), "bytes through " + conditions);
    }
  }

  @Property(tries = 200)
  void splitCoversTheDataInOrder(
      @ForAll @From(supplier = Generators.SmallFrames.class) byte[] data,
      @ForAll Chunking chunking,
      @ForAll long seed) {
    List<ByteBuffer> pieces = chunking.split(data, seed);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (ByteBuffer piece : pieces) {
      assertTrue(piece.hasRemaining(), "empty piece from " + chunking);
      byte[] b = new byte[piece.remaining()];
      piece.duplicate().get(b);
      joined.writeBytes(b);
    }
    assertArrayEquals(data, joined.toByteArray());
    if (chunking.toString().equals("fixed(1)")) {
      assertEquals(data.length, pieces.size());
    }
    assertEquals(pieces, chunking.split(data, seed), "same seed, same cut");
  }

  @Example
  void framesAroundALimitHitEveryEdge() {
    Set<Integer> sizes =
        Generators.framesAroundLimit(100)
            .sampleStream()
            .limit(3000)
            .map(f -> f.length)
            .collect(Collectors.toSet());
    assertTrue(sizes.containsAll(Set.of(0, 1, 99, 100, 101)), "sizes drawn: " + sizes);
    assertTrue(sizes.stream().anyMatch(n -> n > 101), "no frame far over the limit: " + sizes);
  }

  @Example
  void framesStayWithinTheirLimit() {
    Set<Integer> sizes =
        Generators.frames(64).sampleStream().limit(3000).map(f -> f.length).collect(Collectors.toSet());
    assertTrue(sizes.containsAll(Set.of(0, 1, 63, 64)), "edges drawn: " + sizes);
    assertTrue(sizes.stream().allMatch(n -> n <= 64), "over the limit: " + sizes);
  }

  @Provide
  Arbitrary<List<byte[]>> streams() {
    return Generators.frames(20_000).list().ofMaxSize(12);
  }
}
