package dev.sockettoolkit.core.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The always-on counters behind a {@code MetricsCollector}: {@link LongAdder}s, so recording is a
 * few uncontended adds and never allocates for a byte or a message. The layers that count (a
 * transport, the TLS layer, a message channel) reach it through their {@link ConnectionCounters}.
 *
 * <pre>{@code
 * MetricsRecorder recorder = new MetricsRecorder();
 * recorder.opened();
 * recorder.bytesRead(512);
 * recorder.ended(ConnectionCounters.Outcome.CLOSED);
 * long open = recorder.active();   // 0
 * }</pre>
 */
public final class MetricsRecorder {
  /** Upper bounds of the handshake duration buckets, in milliseconds; one more bucket is unbounded. */
  private static final long[] HANDSHAKE_BUCKET_MILLIS = {
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
  };

  private final LongAdder opened = new LongAdder();
  private final LongAdder[] ended = adders(ConnectionCounters.Outcome.values().length);
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder messagesRead = new LongAdder();
  private final LongAdder messagesWritten = new LongAdder();
  private final Map<String, LongAdder> handshakes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> handshakeProtocols = new ConcurrentHashMap<>();
  private final LongAdder handshakeNanos = new LongAdder();
  private final LongAdder[] handshakeBuckets = adders(HANDSHAKE_BUCKET_MILLIS.length + 1);
  private final Map<String, LongAdder> frameErrors = new ConcurrentHashMap<>();

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  /** A connection was opened (connected, or accepted and admitted). */
  public void opened() {
    opened.increment();
  }

  /** A connection ended with {@code outcome}. */
  public void ended(ConnectionCounters.Outcome outcome) {
    ended[outcome.ordinal()].increment();
  }

  /** A connection was refused by {@code rule}, such as {@code "max_connections"}. */
  public void rejected(String rule) {
    rejected.computeIfAbsent(rule, r -> new LongAdder()).increment();
  }

  /** {@code n} bytes were read from a connection. */
  public void bytesRead(long n) {
    bytesRead.add(n);
  }

  /** {@code n} bytes were written to a connection. */
  public void bytesWritten(long n) {
    bytesWritten.add(n);
  }

  /** A whole message was received. */
  public void messageRead() {
    messagesRead.increment();
  }

  /** A whole message was sent. */
  public void messageWritten() {
    messagesWritten.increment();
  }

  /**
   * A TLS handshake ended with {@code outcome} ({@code "ok"} or a failure reason) after {@code
   * nanos}; {@code protocol} is the version agreed, or null when it failed.
   */
  public void handshake(String outcome, String protocol, long nanos) {
    handshakes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    if (protocol != null) {
      handshakeProtocols.computeIfAbsent(protocol, p -> new LongAdder()).increment();
    }
    handshakeNanos.add(nanos);
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
    int bucket = 0;
    while (bucket < HANDSHAKE_BUCKET_MILLIS.length && millis >= HANDSHAKE_BUCKET_MILLIS[bucket]) {
      bucket++;
    }
    handshakeBuckets[bucket].increment();
  }

  /** A codec error of {@code kind} (such as {@code "too_long"}) ended or skipped a frame. */
  public void frameError(String kind) {
    frameErrors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  // ---- reading ----

  /** Connections opened so far. */
  public long openedCount() {
    return opened.sum();
  }

  /** Connections open now: opened minus ended. */
  public long active() {
    long endedCount = 0;
    for (LongAdder adder : ended) {
      endedCount += adder.sum();
    }
    return Math.max(0, opened.sum() - endedCount);
  }

  /** Connections ended so far, by outcome label, every outcome present. */
  public Map<String, Long> endedByOutcome() {
    Map<String, Long> result = new LinkedHashMap<>();
    for (ConnectionCounters.Outcome outcome : ConnectionCounters.Outcome.values()) {
      result.put(outcome.label(), ended[outcome.ordinal()].sum());
    }
    return Collections.unmodifiableMap(result);
  }

  /** Connections refused so far, by rule. */
  public Map<String, Long> rejectedByRule() {
    return sums(rejected);
  }

  /** Bytes read so far. */
  public long bytesRead() {
    return bytesRead.sum();
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /** Messages received so far. */
  public long messagesRead() {
    return messagesRead.sum();
  }

  /** Messages sent so far. */
  public long messagesWritten() {
    return messagesWritten.sum();
  }

  /** Handshakes so far, by outcome. */
  public Map<String, Long> handshakesByOutcome() {
    return sums(handshakes);
  }

  /** Successful handshakes so far, by protocol version. */
  public Map<String, Long> handshakesByProtocol() {
    return sums(handshakeProtocols);
  }

  /** The time all handshakes so far took together. */
  public Duration handshakeTime() {
    return Duration.ofNanos(handshakeNanos.sum());
  }

  /**
   * How many handshakes took less than each bound (cumulative, as a histogram's buckets); the
   * last bound is unlimited ({@code Duration.ofSeconds(Long.MAX_VALUE)}).
   */
  public SortedMap<Duration, Long> handshakeBuckets() {
    SortedMap<Duration, Long> result = new TreeMap<>();
    long cumulative = 0;
    for (int i = 0; i < handshakeBuckets.length; i++) {
      cumulative += handshakeBuckets[i].sum();
      Duration bound =
          i < HANDSHAKE_BUCKET_MILLIS.length
              ? Duration.ofMillis(HANDSHAKE_BUCKET_MILLIS[i])
              : Duration.ofSeconds(Long.MAX_VALUE);
      result.put(bound, cumulative);
    }
    return Collections.unmodifiableSortedMap(result);
  }

  /** Frame errors so far, by kind. */
  public Map<String, Long> frameErrorsByKind() {
    return sums(frameErrors);
  }

  private static Map<String, Long> sums(Map<String, LongAdder> adders) {
    Map<String, Long> result = new TreeMap<>();
    adders.forEach((key, adder) -> result.put(key, adder.sum()));
    return Collections.unmodifiableMap(result);
  }
}
