package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Virtual time repeats: for any seed, latency and jitter, a request-reply exchange over a hostile
 * in-memory pair gives the same timeline twice, and each reply arrives no earlier than two
 * latencies after its request.
 */
class VirtualTimeProperties {
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();

  @Property(tries = 25)
  void theSameSeedGivesTheSameVirtualTimeline(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 500) int latencyMillis,
      @ForAll @LongRange(min = 0, max = 100) long jitterMillis,
      @ForAll @IntRange(min = 1, max = 8) int messages)
      throws Exception {
    List<Duration> first = exchange(seed, latencyMillis, jitterMillis, messages);
    List<Duration> second = exchange(seed, latencyMillis, jitterMillis, messages);
    assertEquals(first, second);
    Duration previous = Duration.ZERO;
    for (Duration replyAt : first) {
      Duration roundTrip = replyAt.minus(previous);
      assertTrue(
          roundTrip.compareTo(Duration.ofMillis(2L * latencyMillis)) >= 0,
          "a round trip of " + roundTrip + " under a latency of " + latencyMillis + " ms each way");
      previous = replyAt;
    }
  }

  private static List<Duration> exchange(long seed, int latencyMillis, long jitterMillis, int messages)
      throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder()
            .seed(seed)
            .chunking(Chunking.random(7))
            .latency(Duration.ofMillis(latencyMillis), Duration.ofMillis(jitterMillis))
            .build();
    List<Duration> replies = new ArrayList<>();
    try (VirtualClock clock = VirtualClock.autoAdvancing();
        ConnectionPair pair =
            Loopback.pair(conditions, ConnectionOptions.defaults().toBuilder().timeSource(clock).build())) {
      Thread echo =
          new Thread(
              () -> {
                try (MessageChannel<String> server = MessageChannel.open(pair.server(), LINES)) {
                  for (String line; (line = server.receive()) != null; ) {
                    server.send(line);
                  }
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      clock.attach(echo);
      echo.start();
      MessageChannel<String> client = MessageChannel.open(pair.client(), LINES);
      for (int i = 0; i < messages; i++) {
        client.send("message " + i);
        assertEquals("message " + i, client.receive());
        replies.add(clock.elapsed());
      }
      pair.client().shutdownOutput();
      echo.join(10_000);
    }
    return replies;
  }
}
