/**
 * Connections as two-way byte streams: TCP and Unix-domain clients and servers, an in-memory
 * connected pair, options and timeouts.
 *
 * <p>Start with {@link dev.sockettoolkit.core.Server} and {@link dev.sockettoolkit.core.Client};
 * everything they hand you is a {@link dev.sockettoolkit.core.Connection}.
 */
@SuppressWarnings("module") // the friend modules are compiled after this one
module dev.sockettoolkit.core {
  requires transitive com.google.common;
  // JFR events (dev.sockettoolkit.Connection, ...): one isEnabled() check when nothing records.
  requires jdk.jfr;
  // TCP keep-alive idle, interval and count (ExtendedSocketOptions); in every full JDK.
  requires jdk.net;

  exports dev.sockettoolkit.core;
  // Machinery shared by the toolkit's own modules (the combining writer, the buffer pool, the
  // connection state): not API, so exported to them alone.
  exports dev.sockettoolkit.core.internal to
      dev.sockettoolkit.framing,
      dev.sockettoolkit.tls,
      dev.sockettoolkit.micrometer;
}
