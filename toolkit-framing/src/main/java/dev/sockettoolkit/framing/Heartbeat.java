package dev.sockettoolkit.framing;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An application-level heartbeat for a {@link MessageChannel}: after {@link #pingAfter} without
 * sending anything, the channel sends a ping message of your codec; if a receive waits {@link
 * #timeout} without any byte arriving, the channel fails with a {@link
 * dev.sockettoolkit.core.ConnectionTimeoutException} of kind {@code HEARTBEAT}, long before an
 * idle timeout would notice a stalled or vanished peer. Received pings are dropped by the
 * channel's decoder, so the application never sees them. Immutable.
 *
 * <pre>{@code
 * Heartbeat<String> heartbeat = Heartbeat.of("PING", "PING"::equals)
 *     .pingAfter(Duration.ofSeconds(5))
 *     .timeout(Duration.ofSeconds(15));
 * MessageChannel<String> channel = heartbeat.open(connection, FrameCodecs.lines().build());
 * String message = channel.receive();       // never "PING"; throws if the peer went silent
 * }</pre>
 *
 * <p>Both ends run a heartbeat (each one's pings keep the other's timeout from firing), or the
 * peer echoes pings back; make each timeout at least three times the other end's {@code
 * pingAfter}. A peer that does not send pings itself but must not see them receives through
 * {@link #dropPings(FrameCodec)}. Defaults: ping after 15 s of sending nothing, time out after 45
 * s of receiving nothing.
 *
 * @param <T> the channel's message type; the ping must be a message the codec can express
 */
public final class Heartbeat<T> {
  private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(daemon("toolkit-heartbeat"));
  /** Pings are written here, not on the timer, so one stuck peer cannot delay the others' checks. */
  private static final ExecutorService PINGS = Executors.newCachedThreadPool(daemon("toolkit-heartbeat-ping"));

  private final T ping;
  private final Predicate<? super T> isPing;
  private final Duration pingAfter;
  private final Duration timeout;

  private Heartbeat(T ping, Predicate<? super T> isPing, Duration pingAfter, Duration timeout) {
    this.ping = ping;
    this.isPing = isPing;
    this.pingAfter = pingAfter;
    this.timeout = timeout;
  }

  /** A heartbeat that sends {@code ping} and recognises received pings by {@code isPing}. */
  public static <T> Heartbeat<T> of(T ping, Predicate<? super T> isPing) {
    Objects.requireNonNull(ping, "ping");
    Objects.requireNonNull(isPing, "isPing");
    checkArgument(isPing.test(ping), "isPing must recognise the ping %s", ping);
    return new Heartbeat<>(ping, isPing, Duration.ofSeconds(15), Duration.ofSeconds(45));
  }

  /** Sends a ping after this long without sending anything (default 15 s). */
  public Heartbeat<T> pingAfter(Duration quiet) {
    checkPositive(quiet, "pingAfter");
    return new Heartbeat<>(ping, isPing, quiet, timeout);
  }

  /** Fails the channel after this long without receiving anything (default 45 s). */
  public Heartbeat<T> timeout(Duration timeout) {
    checkPositive(timeout, "timeout");
    return new Heartbeat<>(ping, isPing, pingAfter, timeout);
  }

  /** How long without sending before a ping. */
  public Duration pingAfter() {
    return pingAfter;
  }

  /** How long without receiving before the channel fails. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * {@code codec} with received pings dropped: its decoder skips every frame {@code isPing}
   * recognises. (Zero-copy opt-ins of {@code codec}'s decoder are not passed on.)
   */
  public FrameCodec<T> dropPings(FrameCodec<T> codec) {
    return new PingDroppingCodec<>(codec, isPing);
  }

  /**
   * Opens a channel over {@code connection} with this heartbeat running until the connection
   * closes: pings go out after {@link #pingAfter} of sending nothing, received pings are dropped,
   * and a receive that waits {@link #timeout} without a byte arriving aborts the connection (input
   * waiting unread while nobody receives is not silence), so the channel's blocked and later
   * calls throw a {@code HEARTBEAT} timeout.
   */
  public MessageChannel<T> open(Connection connection, FrameCodec<T> codec) {
    HeartbeatConnection watched = new HeartbeatConnection(connection, timeout);
    MessageChannel<T> channel = MessageChannel.open(watched, dropPings(codec));
    long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
        Math.min(pingAfter.toNanos(), timeout.toNanos()) / 4);
    AtomicBoolean pinging = new AtomicBoolean();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable check = () -> {
      if (!watched.isOpen()) {
        cancel(task);
        return;
      }
      long now = System.nanoTime();
      if (watched.silentFor(now) >= timeout.toNanos()) {
        LOG.log(Level.INFO, "nothing from {0} for {1}: heartbeat timeout, aborting",
            connection.remoteAddress(), timeout);
        watched.expire();
        cancel(task);
      } else if (now - watched.lastSent >= pingAfter.toNanos() && pinging.compareAndSet(false, true)) {
        PINGS.execute(() -> {
          try {
            channel.send(ping);
          } catch (IOException | RuntimeException e) {
            // the receiving side reports the failure
          } finally {
            pinging.set(false);
          }
        });
      }
    };
    task.set(TIMER.scheduleWithFixedDelay(check, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
    return channel;
  }

  private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
    ScheduledFuture<?> f = task.get();
    if (f != null) {
      f.cancel(false);
    }
  }

  private static void checkPositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    checkArgument(d.toMillis() >= 1, "%s must be at least 1 ms, got %s", name, d);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "Heartbeat{ping=" + ping + ", pingAfter=" + pingAfter + ", timeout=" + timeout + "}";
  }

  /** A codec whose decoder skips pings. */
  private static final class PingDroppingCodec<T> implements FrameCodec<T> {
    private final FrameCodec<T> codec;
    private final Predicate<? super T> isPing;

    PingDroppingCodec(FrameCodec<T> codec, Predicate<? super T> isPing) {
      this.codec = Objects.requireNonNull(codec, "codec");
      this.isPing = isPing;
    }

    @Override
    public FrameDecoder<T> newDecoder() {
      FrameDecoder<T> decoder = codec.newDecoder();
      return new FrameDecoder<T>() {
        @Override
        public T decode(ByteBuffer in) throws IOException {
          T frame;
          do {
            frame = decoder.decode(in);
          } while (frame != null && isPing.test(frame));
          return frame;
        }

        @Override
        public T decodeAtEnd(ByteBuffer in) throws IOException {
          T frame;
          do {
            frame = decoder.decodeAtEnd(in);
          } while (frame != null && isPing.test(frame));
          return frame;
        }
      };
    }

    @Override
    public void encode(T frame, FrameSink out) throws IOException {
      codec.encode(frame, out);
    }

    @Override
    public int maxFrameSize() {
      return codec.maxFrameSize();
    }
  }
}
