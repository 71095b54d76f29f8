package dev.sockettoolkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile network, reproducible from a seed: chunking, a bounded buffer, latency with jitter, a
 * bandwidth limit and faults. Apply it to an in-memory pair with {@link Loopback#pair(NetworkConditions)},
 * to any connection with {@link Loopback#wrap}, or to real sockets with {@link FaultInjectingProxy}.
 *
 * <pre>{@code
 * NetworkConditions conditions = NetworkConditions.builder()
 *     .seed(42)
 *     .chunking(Chunking.random(16))
 *     .latency(Duration.ofMillis(2), Duration.ofMillis(1))
 *     .bandwidth(1_000_000)                      // bytes per second
 *     .fault(Fault.resetAt(50_000))
 *     .build();
 * ConnectionPair pair = Loopback.pair(conditions);
 * }</pre>
 *
 * <p>Each direction of a connection draws from its own {@link Random} seeded from {@link #seed()},
 * so a run with the same seed and the same traffic cuts and faults the stream the same way. When a
 * test fails, {@link #toString()} (printed by the testkit's JUnit extension and contained in every
 * injected fault's exception) shows the seed to reproduce it.
 */
public final class NetworkConditions {
  private static final NetworkConditions PERFECT = builder().seed(0).build();

  private final long seed;
  private final Chunking chunking;
  private final int bufferSize;
  private final Duration latency;
  private final Duration jitter;
  private final long bytesPerSecond;
  private final List<Fault> faults;
  private final AtomicLong streams = new AtomicLong();

  private NetworkConditions(Builder b) {
    this.seed = b.seed;
    this.chunking = b.chunking;
    this.bufferSize = b.bufferSize;
    this.latency = b.latency;
    this.jitter = b.jitter;
    this.bytesPerSecond = b.bytesPerSecond;
    this.faults = ImmutableList.copyOf(b.faults);
  }

  /** A network that does nothing to the bytes (64 KiB buffers). */
  public static NetworkConditions perfect() {
    return PERFECT;
  }

  /** A builder with a fresh random seed and perfect conditions. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these conditions. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.seed = seed;
    b.chunking = chunking;
    b.bufferSize = bufferSize;
    b.latency = latency;
    b.jitter = jitter;
    b.bytesPerSecond = bytesPerSecond;
    b.faults.addAll(faults);
    return b;
  }

  /** The seed every random choice derives from. */
  public long seed() {
    return seed;
  }

  /** How streams are cut. */
  public Chunking chunking() {
    return chunking;
  }

  /** The bytes an in-memory direction buffers before a writer blocks. */
  public int bufferSize() {
    return bufferSize;
  }

  /** The one-way delay of every chunk. */
  public Duration latency() {
    return latency;
  }

  /** The most extra delay added to {@link #latency()} at random (order is kept). */
  public Duration jitter() {
    return jitter;
  }

  /** The bandwidth limit per direction in bytes per second, or 0 for none. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** The faults, in the order given. */
  public List<Fault> faults() {
    return faults;
  }

  /** Whether a direction needs a delivery thread (latency or jitter). */
  boolean delays() {
    return !latency.isZero() || !jitter.isZero();
  }

  /** Numbers the connections wrapped with these conditions: 0, 1, 2, ... */
  long nextStream() {
    return streams.getAndIncrement();
  }

  /** The random source of one direction of one connection. */
  Random random(long stream) {
    return new Random(seed * 0x9E3779B97F4A7C15L + stream);
  }

  @Override
  public String toString() {
    return "NetworkConditions{seed=" + seed + "L"
        + ", chunking=" + chunking
        + ", bufferSize=" + bufferSize
        + (delays() ? ", latency=" + latency + "+" + jitter : "")
        + (bytesPerSecond > 0 ? ", bytesPerSecond=" + bytesPerSecond : "")
        + (faults.isEmpty() ? "" : ", faults=" + faults)
        + "} (reproduce with NetworkConditions.builder().seed(" + seed + "L))";
  }

  /** Builds {@link NetworkConditions}. */
  public static final class Builder {
    private long seed = ThreadLocalRandom.current().nextLong();
    private Chunking chunking = Chunking.whole();
    private int bufferSize = 64 * 1024;
    private Duration latency = Duration.ZERO;
    private Duration jitter = Duration.ZERO;
    private long bytesPerSecond;
    private final List<Fault> faults = new java.util.ArrayList<>();

    private Builder() {}

    /** Fixes the seed, to repeat a run (default: random, shown by {@code toString()}). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How writes are split and how much a read returns (default {@link Chunking#whole()}). */
    public Builder chunking(Chunking chunking) {
      this.chunking = Objects.requireNonNull(chunking, "chunking");
      return this;
    }

    /** Bytes an in-memory direction holds before a writer blocks (default 64 KiB). */
    public Builder bufferSize(int bytes) {
      checkArgument(bytes > 0, "bufferSize must be positive, got %s", bytes);
      this.bufferSize = bytes;
      return this;
    }

    /** Delays each chunk by {@code latency} plus up to {@code jitter}, keeping order. */
    public Builder latency(Duration latency, Duration jitter) {
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(jitter, "jitter");
      checkArgument(!latency.isNegative() && !jitter.isNegative(), "latency and jitter must not be negative");
      this.latency = latency;
      this.jitter = jitter;
      return this;
    }

    /** Limits each direction to {@code bytesPerSecond} (0: unlimited). */
    public Builder bandwidth(long bytesPerSecond) {
      checkArgument(bytesPerSecond >= 0, "bytesPerSecond must be >= 0, got %s", bytesPerSecond);
      this.bytesPerSecond = bytesPerSecond;
      return this;
    }

    /** Adds a fault; each applies to every direction independently. */
    public Builder fault(Fault fault) {
      Objects.requireNonNull(fault, "fault").checkPlaced();
      faults.add(fault);
      return this;
    }

    /** Builds the immutable conditions. */
    public NetworkConditions build() {
      return new NetworkConditions(this);
    }
  }
}
