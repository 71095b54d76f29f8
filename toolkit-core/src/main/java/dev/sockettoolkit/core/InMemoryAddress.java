package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * An address in this process's memory: a {@link Server} binds one to listen without a socket, and
 * {@link Client#connect(SocketAddress, ConnectionOptions)} connects to it, so that a whole server
 * application, with its connection limit, timeouts, drain on stop and listener, is tested without
 * the network. Like Netty's {@code LocalAddress}. The ends of a {@link ConnectionPair#inMemory()}
 * pair have in-memory addresses too.
 *
 * <pre>{@code
 * InMemoryAddress address = InMemoryAddress.named("chat");
 * try (Server server = Server.builder().bind(address).handler(chat::serve).start();
 *     Connection client = Client.connect(address, ConnectionOptions.defaults())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>A name is bound by at most one server at a time in the JVM; it is free again once that server
 * has stopped. Connecting to a name nobody listens on is refused at once, as a TCP connect to a
 * closed port is.
 */
public final class InMemoryAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  private final String name;
  /** Which end of a connection this names ({@code client-3}, {@code server}), or null: a listener. */
  private final String side;

  private InMemoryAddress(String name, String side) {
    this.name = name;
    this.side = side;
  }

  /**
   * The address of a listener called {@code name}: letters, digits, {@code .}, {@code _} and
   * {@code -}, up to 100 characters.
   */
  public static InMemoryAddress named(String name) {
    Objects.requireNonNull(name, "name");
    checkArgument(
        name.matches("[A-Za-z0-9._-]{1,100}"),
        "an in-memory address is 1 to 100 letters, digits, '.', '_' or '-', got \"%s\"",
        name);
    return new InMemoryAddress(name, null);
  }

  /** One end of a connection to {@code listener} (or of pair {@code name}). */
  static InMemoryAddress end(String name, String side) {
    return new InMemoryAddress(name, side);
  }

  /** The name: what {@link #named} was given, or the number of an in-memory pair. */
  public String name() {
    return name;
  }

  /** This address without the end it names: the listener's. */
  InMemoryAddress listener() {
    return side == null ? this : new InMemoryAddress(name, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InMemoryAddress other
        && other.name.equals(name)
        && Objects.equals(other.side, side);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Objects.hashCode(side);
  }

  /** {@code memory:NAME}, or {@code memory:NAME/SIDE} for one end of a connection. */
  @Override
  public String toString() {
    return "memory:" + name + (side == null ? "" : "/" + side);
  }
}
