package dev.sockettoolkit.core;

/**
 * Serves one accepted connection, on its own thread. When {@link #handle} returns the server
 * closes the connection gracefully; when it throws, the server logs the failure, closes the
 * connection and keeps serving everyone else.
 *
 * <pre>{@code
 * ConnectionHandler echo = connection -> {
 *   ByteBuffer buffer = ByteBuffer.allocate(8192);
 *   while (connection.read(buffer) != -1) {
 *     connection.write(buffer.flip());
 *     buffer.clear();
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionHandler {
  /** Serves {@code connection} until done; the caller closes it afterwards. */
  void handle(Connection connection) throws Exception;
}
