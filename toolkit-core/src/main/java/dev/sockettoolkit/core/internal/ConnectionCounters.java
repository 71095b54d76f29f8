package dev.sockettoolkit.core.internal;

import dev.sockettoolkit.core.Connection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What one connection counted: its bytes and, when a message channel runs over it, its messages,
 * how it ended, and the {@link MetricsRecorder} (if any) that adds them up across connections.
 * The transport owns it; the layers above find it with {@link #of(Connection)}, once, and count
 * into it.
 *
 * <p>Each count has one writer: bytes read and messages read the receiving thread, bytes and
 * messages written the thread holding the write lock. They are plain fields, read for a
 * connection's JFR event when it ends.
 *
 * <pre>{@code
 * ConnectionCounters counters = ConnectionCounters.of(channel.connection());
 * counters.messageRead();
 * }</pre>
 */
public final class ConnectionCounters {
  /** How a connection ended. */
  public enum Outcome {
    /** Closed by either side in an orderly way. */
    CLOSED("closed"),
    /** Reset by the peer. */
    RESET("reset"),
    /** Aborted by the idle timeout. */
    IDLE_TIMEOUT("idle_timeout"),
    /** Aborted by the write timeout. */
    WRITE_TIMEOUT("write_timeout"),
    /** Aborted by a protocol layer's handshake timeout. */
    HANDSHAKE_TIMEOUT("handshake_timeout"),
    /** Aborted by this side. */
    ABORTED("aborted"),
    /** An I/O error, or a handler or layer above that failed. */
    FAILED("failed");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The name in events and meters, such as {@code "idle_timeout"}. */
    public String label() {
      return label;
    }
  }

  /** Layers that wrap a connection (TLS), and how to reach the connection under them. */
  private static final Map<Class<?>, Function<Connection, Connection>> LAYERS =
      new ConcurrentHashMap<>();

  private final String transport;
  private volatile boolean server;
  private volatile MetricsRecorder recorder;
  private volatile Outcome outcome;
  private long bytesRead;
  private long bytesWritten;
  private long messagesRead;
  private long messagesWritten;
  private volatile boolean framed;

  /** Counters for a connection over {@code transport} ({@code "tcp"}, {@code "unix"}, ...). */
  public ConnectionCounters(String transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * Registers a layer: a connection of {@code type} is counted by the connection {@code under}
   * returns. Called once by the layer's class.
   */
  public static <C extends Connection> void registerLayer(
      Class<C> type, Function<? super C, Connection> under) {
    LAYERS.put(type, c -> under.apply(type.cast(c)));
  }

  /**
   * The counters of {@code connection}, looking under the registered layers; for a connection the
   * toolkit did not make, new counters that add up nowhere.
   */
  public static ConnectionCounters of(Connection connection) {
    Connection current = connection;
    for (int depth = 0; depth < 8 && current != null; depth++) {
      if (current instanceof Counted counted) {
        return counted.counters();
      }
      Function<Connection, Connection> under = LAYERS.get(current.getClass());
      if (under == null) {
        break;
      }
      current = under.apply(current);
    }
    return new ConnectionCounters("other");
  }

  /** A connection that counts what passes through it. */
  public interface Counted {
    /** Its counters. */
    ConnectionCounters counters();
  }

  /**
   * Starts adding this connection's counts to {@code recorder} (may be null), as a server's
   * connection or a client's; counts it opened there.
   */
  public void observe(boolean serverSide, MetricsRecorder recorder) {
    this.server = serverSide;
    this.recorder = recorder;
    if (recorder != null) {
      recorder.opened();
    }
  }

  /** The recorder counts go to, or null. */
  public MetricsRecorder recorder() {
    return recorder;
  }

  /** {@code "tcp"}, {@code "unix"} or {@code "in-memory"}. */
  public String transport() {
    return transport;
  }

  /** {@code "server"} or {@code "client"}. */
  public String side() {
    return server ? "server" : "client";
  }

  /** Records that {@code n} bytes were read. */
  public void bytesRead(int n) {
    bytesRead += n;
    MetricsRecorder r = recorder;
    if (r != null) {
      r.bytesRead(n);
    }
  }

  /** Records that {@code n} bytes were written. */
  public void bytesWritten(long n) {
    bytesWritten += n;
    MetricsRecorder r = recorder;
    if (r != null) {
      r.bytesWritten(n);
    }
  }

  /** Records that a message channel runs over this connection. */
  public void framed() {
    framed = true;
  }

  /** Records a received message. */
  public void messageRead() {
    messagesRead++;
    MetricsRecorder r = recorder;
    if (r != null) {
      r.messageRead();
    }
  }

  /** Records a sent message. */
  public void messageWritten() {
    messagesWritten++;
    MetricsRecorder r = recorder;
    if (r != null) {
      r.messageWritten();
    }
  }

  /** Records a frame error of {@code kind}. */
  public void frameError(String kind) {
    MetricsRecorder r = recorder;
    if (r != null) {
      r.frameError(kind);
    }
  }

  /** Records a handshake; see {@link MetricsRecorder#handshake}. */
  public void handshake(String outcome, String protocol, long nanos) {
    MetricsRecorder r = recorder;
    if (r != null) {
      r.handshake(outcome, protocol, nanos);
    }
  }

  /** Says how the connection is ending, unless an earlier call already did: the first cause wins. */
  public void ending(Outcome cause) {
    if (outcome == null) {
      outcome = cause;
    }
  }

  /**
   * The connection ended: fixes its outcome ({@code fallback} unless {@link #ending} said
   * otherwise) and counts it; returns the outcome.
   */
  public Outcome ended(Outcome fallback) {
    ending(fallback);
    Outcome result = outcome;
    MetricsRecorder r = recorder;
    if (r != null) {
      r.ended(result);
    }
    return result;
  }

  /** Bytes read so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Whether a message channel ran over this connection. */
  public boolean isFramed() {
    return framed;
  }

  /** Messages received so far. */
  public long messagesRead() {
    return messagesRead;
  }

  /** Messages sent so far. */
  public long messagesWritten() {
    return messagesWritten;
  }
}
