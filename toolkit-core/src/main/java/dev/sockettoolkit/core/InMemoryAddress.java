package dev.sockettoolkit.core;

import java.net.SocketAddress;

/** The address of one end of an in-memory pair, printed as {@code memory:ID/client}. */
final class InMemoryAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  private final long id;
  private final String side;

  InMemoryAddress(long id, String side) {
    this.id = id;
    this.side = side;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InMemoryAddress
        && ((InMemoryAddress) o).id == id
        && ((InMemoryAddress) o).side.equals(side);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id) * 31 + side.hashCode();
  }

  @Override
  public String toString() {
    return "memory:" + id + "/" + side;
  }
}
