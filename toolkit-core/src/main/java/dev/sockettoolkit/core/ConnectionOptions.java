package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Timeouts and socket settings for a connection. Immutable; start from {@link #defaults()} (or
 * {@link #serverDefaults()}) and change what you need.
 *
 * <pre>{@code
 * ConnectionOptions options = ConnectionOptions.defaults().toBuilder()
 *     .readTimeout(Duration.ofSeconds(30))
 *     .build();
 * Connection connection = Client.connect("db.internal:7000", options);
 * }</pre>
 *
 * <p>A timeout of {@link Duration#ZERO} means "no timeout".
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>option</th><th>{@link #defaults()}</th><th>{@link #serverDefaults()}</th><th>why</th></tr>
 *   <tr><td>connect timeout</td><td>10 s</td><td>(unused)</td><td>an unreachable host fails in
 *       seconds, not the OS's minutes</td></tr>
 *   <tr><td>read timeout</td><td>none</td><td>none</td><td>a quiet peer is normal for many
 *       protocols; use the idle timeout to drop dead ones</td></tr>
 *   <tr><td>write timeout</td><td>30 s</td><td>30 s</td><td>a peer that stops reading cannot
 *       block a writer forever</td></tr>
 *   <tr><td>idle timeout</td><td>none</td><td>5 min</td><td>a server drops connections that
 *       neither send nor receive, so abandoned peers cannot hold resources</td></tr>
 *   <tr><td>TCP_NODELAY</td><td>on</td><td>on</td><td>messages leave at once; the toolkit
 *       coalesces writes itself</td></tr>
 *   <tr><td>SO_KEEPALIVE</td><td>on</td><td>on</td><td>the OS eventually notices peers that
 *       vanished without a reset</td></tr>
 *   <tr><td>keep-alive idle, interval, count</td><td>OS default</td><td>OS default</td><td>set them
 *       (Linux, macOS, Windows) to notice a vanished peer in seconds rather than the OS's two
 *       hours; ignored where the platform cannot set them</td></tr>
 *   <tr><td>buffer sizes</td><td>OS default</td><td>OS default</td><td>the kernel autotunes
 *       them</td></tr>
 *   <tr><td>time source</td><td>{@link TimeSource#system()}</td><td>{@link
 *       TimeSource#system()}</td><td>timeouts run on real time; tests may choose a virtual
 *       clock</td></tr>
 * </table>
 */
public final class ConnectionOptions {
  private static final ConnectionOptions DEFAULTS = new Builder().build();
  private static final ConnectionOptions SERVER_DEFAULTS =
      new Builder().idleTimeout(Duration.ofMinutes(5)).build();

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final Duration idleTimeout;
  private final boolean tcpNoDelay;
  private final boolean keepAlive;
  private final int receiveBufferSize;
  private final int sendBufferSize;
  private final TimeSource timeSource;
  private final ConnectionMetrics metrics;
  private final Duration keepAliveIdle;
  private final Duration keepAliveInterval;
  private final int keepAliveCount;

  private ConnectionOptions(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.writeTimeout = b.writeTimeout;
    this.idleTimeout = b.idleTimeout;
    this.tcpNoDelay = b.tcpNoDelay;
    this.keepAlive = b.keepAlive;
    this.receiveBufferSize = b.receiveBufferSize;
    this.sendBufferSize = b.sendBufferSize;
    this.timeSource = b.timeSource;
    this.metrics = b.metrics;
    this.keepAliveIdle = b.keepAliveIdle;
    this.keepAliveInterval = b.keepAliveInterval;
    this.keepAliveCount = b.keepAliveCount;
  }

  /** The defaults for clients; see the table above. */
  public static ConnectionOptions defaults() {
    return DEFAULTS;
  }

  /** The defaults for connections accepted by a {@link Server}: as {@link #defaults()} plus a 5 minute idle timeout. */
  public static ConnectionOptions serverDefaults() {
    return SERVER_DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** How long establishing a connection may take; zero for the OS limit. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long a read waits for its first byte; zero for no limit. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** How long a write may wait for the peer to take its bytes; zero for no limit. */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /** How long a connection may see no traffic in either direction before it is aborted; zero for no limit. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Whether Nagle's algorithm is disabled (TCP only). */
  public boolean tcpNoDelay() {
    return tcpNoDelay;
  }

  /** Whether TCP keep-alive probes are enabled (TCP only). */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** The socket receive buffer size in bytes, or 0 for the OS default. */
  public int receiveBufferSize() {
    return receiveBufferSize;
  }

  /** The socket send buffer size in bytes, or 0 for the OS default. */
  public int sendBufferSize() {
    return sendBufferSize;
  }

  /** The clock the timeouts are measured on; {@link TimeSource#system()} unless chosen otherwise. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /**
   * Where client connections opened with these options are counted, if anywhere (default: not
   * counted). A {@link Server} counts its connections in its own {@link Server#metrics()}.
   */
  public Optional<ConnectionMetrics> metrics() {
    return Optional.ofNullable(metrics);
  }

  /** Quiet time before the first keep-alive probe (TCP_KEEPIDLE); zero for the OS default. */
  public Duration keepAliveIdle() {
    return keepAliveIdle;
  }

  /** Time between keep-alive probes (TCP_KEEPINTERVAL); zero for the OS default. */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /** Unanswered probes before the connection is dropped (TCP_KEEPCOUNT); 0 for the OS default. */
  public int keepAliveCount() {
    return keepAliveCount;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConnectionOptions)) {
      return false;
    }
    ConnectionOptions that = (ConnectionOptions) o;
    return connectTimeout.equals(that.connectTimeout)
        && readTimeout.equals(that.readTimeout)
        && writeTimeout.equals(that.writeTimeout)
        && idleTimeout.equals(that.idleTimeout)
        && tcpNoDelay == that.tcpNoDelay
        && keepAlive == that.keepAlive
        && receiveBufferSize == that.receiveBufferSize
        && sendBufferSize == that.sendBufferSize
        && timeSource.equals(that.timeSource)
        && metrics == that.metrics
        && keepAliveIdle.equals(that.keepAliveIdle)
        && keepAliveInterval.equals(that.keepAliveInterval)
        && keepAliveCount == that.keepAliveCount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        connectTimeout, readTimeout, writeTimeout, idleTimeout, tcpNoDelay, keepAlive,
        receiveBufferSize, sendBufferSize, timeSource,
        metrics == null ? 0 : System.identityHashCode(metrics), keepAliveIdle, keepAliveInterval,
        keepAliveCount);
  }

  @Override
  public String toString() {
    return "ConnectionOptions{connectTimeout=" + connectTimeout
        + ", readTimeout=" + readTimeout
        + ", writeTimeout=" + writeTimeout
        + ", idleTimeout=" + idleTimeout
        + ", tcpNoDelay=" + tcpNoDelay
        + ", keepAlive=" + keepAlive
        + ", receiveBufferSize=" + receiveBufferSize
        + ", sendBufferSize=" + sendBufferSize
        + (timeSource.isSystem() ? "" : ", timeSource=" + timeSource)
        + (metrics == null ? "" : ", metrics=counted")
        + ", keepAliveIdle=" + keepAliveIdle
        + ", keepAliveInterval=" + keepAliveInterval
        + ", keepAliveCount=" + keepAliveCount
        + "}";
  }

  /** Builds {@link ConnectionOptions}. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ZERO;
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ZERO;
    private boolean tcpNoDelay = true;
    private boolean keepAlive = true;
    private int receiveBufferSize;
    private int sendBufferSize;
    private TimeSource timeSource = TimeSource.system();
    private ConnectionMetrics metrics;
    private Duration keepAliveIdle = Duration.ZERO;
    private Duration keepAliveInterval = Duration.ZERO;
    private int keepAliveCount;

    private Builder() {}

    private Builder(ConnectionOptions o) {
      this.connectTimeout = o.connectTimeout;
      this.readTimeout = o.readTimeout;
      this.writeTimeout = o.writeTimeout;
      this.idleTimeout = o.idleTimeout;
      this.tcpNoDelay = o.tcpNoDelay;
      this.keepAlive = o.keepAlive;
      this.receiveBufferSize = o.receiveBufferSize;
      this.sendBufferSize = o.sendBufferSize;
      this.timeSource = o.timeSource;
      this.metrics = o.metrics;
      this.keepAliveIdle = o.keepAliveIdle;
      this.keepAliveInterval = o.keepAliveInterval;
      this.keepAliveCount = o.keepAliveCount;
    }

    /** Sets the connect timeout (default 10 s); zero leaves it to the OS. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkTimeout(timeout, "connectTimeout");
      return this;
    }

    /** Sets the read timeout (default none). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = checkTimeout(timeout, "readTimeout");
      return this;
    }

    /** Sets the write timeout (default 30 s). */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = checkTimeout(timeout, "writeTimeout");
      return this;
    }

    /** Sets the idle timeout (default none for clients, 5 min for servers). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = checkTimeout(timeout, "idleTimeout");
      return this;
    }

    /** Enables or disables TCP_NODELAY (default on). */
    public Builder tcpNoDelay(boolean on) {
      this.tcpNoDelay = on;
      return this;
    }

    /** Enables or disables SO_KEEPALIVE (default on). */
    public Builder keepAlive(boolean on) {
      this.keepAlive = on;
      return this;
    }

    /** Sets SO_RCVBUF in bytes; 0 (the default) keeps the OS's autotuned size. */
    public Builder receiveBufferSize(int bytes) {
      checkArgument(bytes >= 0, "receiveBufferSize must be >= 0, got %s", bytes);
      this.receiveBufferSize = bytes;
      return this;
    }

    /** Sets SO_SNDBUF in bytes; 0 (the default) keeps the OS's autotuned size. */
    public Builder sendBufferSize(int bytes) {
      checkArgument(bytes >= 0, "sendBufferSize must be >= 0, got %s", bytes);
      this.sendBufferSize = bytes;
      return this;
    }

    /**
     * Sets the clock that the timeouts are measured on (default {@link TimeSource#system()}); a
     * test passes a virtual one, such as the testkit's {@code VirtualClock}, to run real timeout
     * values without waiting for them.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Counts client connections opened with these options in {@code metrics}: share one {@link
     * ConnectionMetrics} among the clients to be counted together; null counts nowhere (the
     * default).
     */
    public Builder metrics(ConnectionMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Tunes TCP keep-alive (and turns it on): the first probe after {@code idle} without traffic,
     * then one every {@code interval}, dropping the connection after {@code count} unanswered
     * ones, so a peer that vanished is noticed after about idle + interval × count. Whole
     * seconds (rounded up); zero keeps the OS default. Where the platform cannot set one of them
     * (jdk.net.ExtendedSocketOptions) it is skipped and the OS default applies.
     */
    public Builder keepAlive(Duration idle, Duration interval, int count) {
      this.keepAliveIdle = checkTimeout(idle, "keepAlive idle");
      this.keepAliveInterval = checkTimeout(interval, "keepAlive interval");
      checkArgument(count >= 0 && count <= 127, "keepAlive count must be 0..127, got %s", count);
      this.keepAliveCount = count;
      this.keepAlive = true;
      return this;
    }

    /** Builds the immutable options. */
    public ConnectionOptions build() {
      return new ConnectionOptions(this);
    }

    private static Duration checkTimeout(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      checkArgument(!timeout.isNegative(), "%s must not be negative, got %s", name, timeout);
      checkArgument(
          timeout.isZero() || timeout.toMillis() >= 1,
          "%s must be zero (none) or at least 1 ms, got %s",
          name,
          timeout);
      return timeout;
    }
  }
}
