package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.net.HostAndPort;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Connects, and connects again after the server went away: tries several addresses in order
 * (failover), resolves host names again on every attempt, bounds each connect by the connect
 * timeout, and waits between attempts by a {@link Backoff} (exponential, full jitter, capped,
 * limited in attempts or time). A {@link Layer} puts TLS (or anything else) on each new
 * connection, and a {@link Listener} hears every attempt, success and give-up.
 *
 * <pre>{@code
 * ReconnectingClient client = ReconnectingClient.builder()
 *     .addresses("lb-a.internal:7000", "lb-b.internal:7000")
 *     .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)).maxElapsed(Duration.ofMinutes(1)))
 *     .layer((transport, host) -> {                // optional: TLS on every connection
 *       TlsConnection tls = TlsConnection.client(transport, tlsConfig, host);
 *       tls.handshake();
 *       return tls;
 *     })
 *     .build();
 * Connection connection = client.connect();      // blocks until connected or given up
 * }</pre>
 *
 * <h2>What to resend</h2>
 * A new connection does not know what the old one delivered: messages written but not yet
 * answered may or may not have reached the server. The application chooses. <b>At most once</b>:
 * drop them (a duplicate would be worse than a loss). <b>At least once</b>: keep each message
 * until the peer acknowledges it (an echo, a reply, an ack carrying its sequence number), resend
 * every unacknowledged one in order on the new connection, and let the server discard duplicates
 * by sequence number when it must act exactly once:
 *
 * <pre>{@code
 * Deque<String> unacknowledged = new ArrayDeque<>();
 * Iterator<String> outbox = messages.iterator();
 * MessageChannel<String> channel = MessageChannel.open(client.connect(), codec);
 * while (outbox.hasNext() || !unacknowledged.isEmpty()) {
 *   try {
 *     if (unacknowledged.isEmpty()) {
 *       unacknowledged.add(outbox.next());
 *       channel.send(unacknowledged.peekLast());
 *     }
 *     if (channel.receive() == null) {             // the reply acknowledges the oldest
 *       throw new EOFException("the server ended the stream");
 *     }
 *     unacknowledged.removeFirst();
 *   } catch (IOException e) {
 *     channel.connection().abort();
 *     channel = MessageChannel.open(client.connect(), codec);
 *     for (String pending : unacknowledged) {      // at least once: resend, in order
 *       channel.send(pending);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Host names are looked up on every attempt through the JVM's resolver, which caches
 * successful lookups for {@code networkaddress.cache.ttl} seconds (30 by default without a
 * security manager); lower it where servers move between addresses often.
 */
public final class ReconnectingClient {
  private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());

  /** Turns a fresh transport into the connection the application uses (a TLS handshake, a greeting). */
  @FunctionalInterface
  public interface Layer {
    /**
     * Wraps {@code transport}, connected to {@code host} (as given in the address, for TLS server
     * name checks). A failure counts as a failed attempt; the transport is then aborted.
     */
    Connection wrap(Connection transport, String host) throws IOException;
  }

  /** Hears the attempts of {@link #connect()}; called on the connecting thread, must return quickly. */
  public interface Listener {
    /** Attempt number {@code attempt} (1 for the first) starts. */
    default void attempt(int attempt) {}

    /** Attempt {@code attempt} failed with {@code failure}; the next starts after {@code delay}. */
    default void failed(int attempt, IOException failure, Duration delay) {}

    /** Connected to {@code connection} on attempt {@code attempt}, {@code elapsed} after the first began. */
    default void connected(Connection connection, int attempt, Duration elapsed) {}

    /** Gave up after {@code attempts} attempts and {@code elapsed}; {@code last} is the last failure. */
    default void gaveUp(int attempts, Duration elapsed, IOException last) {}
  }

  private final List<String> addresses;
  private final ConnectionOptions options;
  private final Backoff backoff;
  private final Layer layer;
  private final Listener listener;

  private ReconnectingClient(Builder b) {
    this.addresses = List.copyOf(b.addresses);
    this.options = b.options;
    this.backoff = b.backoff;
    this.layer = b.layer;
    this.listener = b.listener;
  }

  /** A builder; at least one address must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Connects to the first address that accepts, trying them all in order on each attempt and
   * waiting by the backoff between attempts.
   *
   * @throws IOException the last failure, with the attempt count and elapsed time, once the
   *     backoff's limits are reached (every failure so far is attached as suppressed, at most 16)
   * @throws InterruptedIOException if the thread is interrupted while waiting
   */
  public Connection connect() throws IOException {
    long start = System.nanoTime();
    long limit = backoff.maxElapsed().isZero() ? Long.MAX_VALUE : backoff.maxElapsed().toNanos();
    List<IOException> failures = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      int current = attempt;
      notifyQuietly(() -> listener.attempt(current));
      IOException failure;
      try {
        Connection connection = attemptOnce();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        notifyQuietly(() -> listener.connected(connection, current, elapsed));
        return connection;
      } catch (IOException e) {
        failure = e;
      }
      if (failures.size() < 16) {
        failures.add(failure);
      }
      long elapsed = System.nanoTime() - start;
      Duration delay = backoff.delayAfter(attempt, () -> ThreadLocalRandom.current().nextDouble());
      boolean outOfAttempts = backoff.maxAttempts() > 0 && attempt >= backoff.maxAttempts();
      boolean outOfTime = elapsed + delay.toNanos() >= limit;
      if (outOfAttempts || outOfTime) {
        Duration total = Duration.ofNanos(elapsed);
        IOException gaveUp = new ConnectException(
            "gave up connecting to " + String.join(", ", addresses) + " after " + attempt
                + " attempt(s) in " + ConnectionTimeoutException.format(total) + " ("
                + (outOfAttempts ? "maxAttempts " + backoff.maxAttempts() : "maxElapsed "
                    + ConnectionTimeoutException.format(backoff.maxElapsed()))
                + " of the Backoff): " + failure.getMessage());
        gaveUp.initCause(failure);
        failures.stream().filter(f -> f != failure).forEach(gaveUp::addSuppressed);
        notifyQuietly(() -> listener.gaveUp(current, total, failure));
        throw gaveUp;
      }
      IOException last = failure;
      notifyQuietly(() -> listener.failed(current, last, delay));
      sleep(delay);
    }
  }

  /** One pass over the addresses, in order. */
  private Connection attemptOnce() throws IOException {
    IOException first = null;
    for (String address : addresses) {
      try {
        Connection transport = Client.connect(address, options);
        if (layer == null) {
          return transport;
        }
        try {
          return layer.wrap(transport, hostOf(address));
        } catch (IOException | RuntimeException e) {
          transport.abort();
          throw e;
        }
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    throw Objects.requireNonNull(first);
  }

  private static String hostOf(String address) {
    return HostAndPort.fromString(address).getHost();
  }

  private static void sleep(Duration delay) throws InterruptedIOException {
    try {
      TimeUnit.NANOSECONDS.sleep(delay.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to reconnect");
    }
  }

  private static void notifyQuietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reconnect listener threw", e);
    }
  }

  @Override
  public String toString() {
    return "ReconnectingClient" + addresses + " " + backoff;
  }

  /** Builds a {@link ReconnectingClient}. */
  public static final class Builder {
    private final List<String> addresses = new ArrayList<>();
    private ConnectionOptions options = ConnectionOptions.defaults();
    private Backoff backoff = Backoff.defaults();
    private Layer layer;
    private Listener listener = new Listener() {};

    private Builder() {}

    /**
     * The servers, as {@code host:port} ({@code [::1]:7000} for IPv6 literals), tried in this
     * order on every attempt. Replaces earlier addresses.
     */
    public Builder addresses(String... hostAndPorts) {
      checkArgument(hostAndPorts.length > 0, "name at least one address");
      List<String> parsed = new ArrayList<>();
      for (String a : hostAndPorts) {
        Objects.requireNonNull(a, "address");
        checkArgument(
            HostAndPort.fromString(a).requireBracketsForIPv6().hasPort(), "no port in '%s': use host:port", a);
        parsed.add(a);
      }
      addresses.clear();
      addresses.addAll(parsed);
      return this;
    }

    /** Options of each connection; its connect timeout bounds each address of each attempt. */
    public Builder options(ConnectionOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The waits and limits between attempts (default {@link Backoff#defaults()}). */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** What to put on each new transport, such as TLS (default: nothing). */
    public Builder layer(Layer layer) {
      this.layer = Objects.requireNonNull(layer, "layer");
      return this;
    }

    /** Hears attempts, successes and give-ups (default: nobody). */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the client; connecting starts with {@link ReconnectingClient#connect()}. */
    public ReconnectingClient build() {
      checkState(!addresses.isEmpty(), "set addresses(...) before build()");
      return new ReconnectingClient(this);
    }
  }
}
