package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static InetSocketAddress at(String ip) {
    return new InetSocketAddress(ip, 1234);
  }

  @Test
  void ipv4RangesMatchByPrefix() {
    TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.128/25", "203.0.113.9"));
    assertTrue(trusted.trusts(at("10.255.1.2")));
    assertTrue(trusted.trusts(at("192.168.1.200")));
    assertFalse(trusted.trusts(at("192.168.1.127")));
    assertTrue(trusted.trusts(at("203.0.113.9")));
    assertFalse(trusted.trusts(at("203.0.113.10")));
    assertFalse(trusted.trusts(at("11.0.0.1")));
    assertFalse(trusted.trusts(at("::ffff:11.0.0.1")));
  }

  @Test
  void ipv6RangesMatchByPrefixAndFamiliesStayApart() {
    TrustedProxies trusted = TrustedProxies.parse(List.of("fd00::/8", "2001:db8::/33", "::1"));
    assertTrue(trusted.trusts(at("fd12:3456::1")));
    assertTrue(trusted.trusts(at("2001:db8:7fff::1")));
    assertFalse(trusted.trusts(at("2001:db8:8000::1")));
    assertTrue(trusted.trusts(at("::1")));
    assertFalse(trusted.trusts(at("127.0.0.1")));
    assertTrue(TrustedProxies.parse(List.of("0.0.0.0/0")).trusts(at("8.8.8.8")));
  }

  @Test
  void nonIpPeersOnlyWithLocal() {
    UnixDomainSocketAddress unix = UnixDomainSocketAddress.of("/tmp/x.sock");
    assertFalse(TrustedProxies.parse(List.of("10.0.0.0/8")).trusts(unix));
    assertTrue(TrustedProxies.parse(List.of("local")).trusts(unix));
    assertFalse(TrustedProxies.parse(List.of("local")).trusts(null));
  }

  @Test
  void badEntriesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of()));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("lb.example.com")));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/33")));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("fd00::/129")));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/")));
  }
}
