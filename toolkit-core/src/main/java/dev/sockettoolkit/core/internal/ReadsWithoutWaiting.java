package dev.sockettoolkit.core.internal;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads what has already arrived on a connection, without waiting. The receive buffers of the
 * framing and TLS layers use it when a burst ends: if more has arrived they keep their large
 * buffer, else they give it back at once and wait in a small one. Without it they would wait up to
 * 20 ms with a read timeout, which on a socket costs four more system calls per wait.
 *
 * <p>The core's connections implement it; a public connection class of another toolkit module
 * (the TLS connection) {@linkplain #register registers} how, so that its API does not show it.
 *
 * <pre>{@code
 * ReadsWithoutWaiting now = ReadsWithoutWaiting.of(connection);  // null: it cannot
 * int n = now == null ? 0 : now.readNow(large);                   // 0: nothing has arrived
 * }</pre>
 */
public interface ReadsWithoutWaiting {
  /**
   * Reads into {@code dst} what has arrived, without waiting: the count, 0 if nothing is known to
   * have arrived, or -1 at end of stream.
   */
  int readNow(ByteBuffer dst) throws IOException;

  /** How to read {@code connection} without waiting, or null if it cannot. */
  static ReadsWithoutWaiting of(Connection connection) {
    if (connection instanceof ReadsWithoutWaiting now) {
      return now;
    }
    Function<Connection, ReadsWithoutWaiting> how = Registered.BY_CLASS.get(connection.getClass());
    return how == null ? null : how.apply(connection);
  }

  /** Says how connections of {@code type} (exactly that class) read without waiting. */
  static <C extends Connection> void register(Class<C> type, Function<C, ReadsWithoutWaiting> how) {
    Registered.BY_CLASS.put(type, connection -> how.apply(type.cast(connection)));
  }

  /** The registrations of {@link #register}. */
  final class Registered {
    static final Map<Class<?>, Function<Connection, ReadsWithoutWaiting>> BY_CLASS =
        new ConcurrentHashMap<>();

    private Registered() {}
  }
}
