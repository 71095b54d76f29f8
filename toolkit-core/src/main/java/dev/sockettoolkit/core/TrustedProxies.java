package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The sources a {@link Server} accepts PROXY headers from: IPv4 and IPv6 addresses and CIDR
 * ranges ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}), and {@code local} for
 * Unix-domain and in-memory peers. Literals only: a host name would make trust depend on DNS.
 */
final class TrustedProxies {
  /** The entry that trusts Unix-domain and in-memory peers. */
  static final String LOCAL = "local";

  private record Range(byte[] network, int prefix) {}

  private final List<Range> ranges;
  private final boolean local;
  private final String description;

  private TrustedProxies(List<Range> ranges, boolean local, String description) {
    this.ranges = ranges;
    this.local = local;
    this.description = description;
  }

  static TrustedProxies parse(Collection<String> entries) {
    checkArgument(!entries.isEmpty(), "name at least one trusted proxy address or CIDR range");
    List<Range> ranges = new ArrayList<>();
    boolean local = false;
    for (String entry : entries) {
      String trimmed = entry.strip();
      if (trimmed.equals(LOCAL)) {
        local = true;
        continue;
      }
      int slash = trimmed.indexOf('/');
      String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
      checkArgument(
          InetAddresses.isInetAddress(host),
          "trusted proxy '%s' is not an IP address or CIDR range (such as 10.0.0.0/8 or fd00::/8)",
          entry);
      byte[] network = InetAddresses.forString(host).getAddress();
      int prefix = network.length * 8;
      if (slash >= 0) {
        String bits = trimmed.substring(slash + 1);
        checkArgument(
            bits.matches("[0-9]{1,3}") && Integer.parseInt(bits) <= network.length * 8,
            "trusted proxy '%s' has a prefix length outside 0..%s", entry, network.length * 8);
        prefix = Integer.parseInt(bits);
      }
      ranges.add(new Range(network, prefix));
    }
    return new TrustedProxies(List.copyOf(ranges), local, String.join(",", entries));
  }

  boolean trusts(SocketAddress peer) {
    if (!(peer instanceof InetSocketAddress inet)) {
      return local && peer != null;
    }
    InetAddress address = inet.getAddress();
    if (address == null) {
      return false;
    }
    byte[] raw = address.getAddress();
    for (Range range : ranges) {
      if (range.network.length == raw.length && matches(range, raw)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Range range, byte[] raw) {
    int full = range.prefix / 8;
    for (int i = 0; i < full; i++) {
      if (range.network[i] != raw[i]) {
        return false;
      }
    }
    int rest = range.prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return ((range.network[full] ^ raw[full]) & mask) == 0;
  }

  @Override
  public String toString() {
    return description;
  }
}
