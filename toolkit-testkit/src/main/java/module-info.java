/** In-memory networks, property generators and conformance suites for testing with the toolkit. */
module dev.sockettoolkit.testkit {
  requires transitive dev.sockettoolkit.core;
  requires transitive dev.sockettoolkit.framing;
  requires transitive dev.sockettoolkit.tls;
  requires transitive net.jqwik.api;
  requires transitive org.junit.jupiter.api;

  exports dev.sockettoolkit.testkit;

  provides net.jqwik.api.providers.ArbitraryProvider with
      dev.sockettoolkit.testkit.internal.TestkitArbitraryProvider;
}
