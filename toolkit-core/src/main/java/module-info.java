/**
 * Connections as two-way byte streams: TCP and Unix-domain clients and servers, an in-memory
 * connected pair, options and timeouts.
 *
 * <p>Start with {@link dev.sockettoolkit.core.Server} and {@link dev.sockettoolkit.core.Client};
 * everything they hand you is a {@link dev.sockettoolkit.core.Connection}.
 */
module dev.sockettoolkit.core {
  requires transitive com.google.common;

  exports dev.sockettoolkit.core;
}
