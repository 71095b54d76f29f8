package dev.sockettoolkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class ResetsTest {
  @Test
  void aRealResetReadFromASocketChannelIsOne() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
        SocketChannel accepted = server.accept();
        accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
        accepted.close(); // linger 0: the peer gets a reset
        IOException failure = null;
        for (int i = 0; i < 100 && failure == null; i++) {
          try {
            ByteBuffer buffer = ByteBuffer.allocate(16);
            if (client.read(buffer) < 0) {
              client.write(ByteBuffer.wrap(new byte[] {1}));
            }
          } catch (IOException e) {
            failure = e;
          }
        }
        assertTrue(failure != null, "no failure from a reset connection");
        assertTrue(Resets.isReset(failure), "not classified as a reset: " + failure);
      }
    }
  }

  @Test
  void theOperatingSystemsMessagesAreResets() {
    assertTrue(Resets.isReset(new IOException("Connection reset by peer")));
    assertTrue(Resets.isReset(new SocketException("Connection reset")));
    assertTrue(Resets.isReset(new IOException("Broken pipe")));
    assertTrue(Resets.isReset(new IOException(
        "An existing connection was forcibly closed by the remote host")));
    assertTrue(Resets.isReset(new IOException("connection reset by peer")), "any case");
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(Resets.isReset(new IOException((String) null)));
    assertFalse(Resets.isReset(new IOException("Connection refused")));
    assertFalse(Resets.isReset(new IOException("No route to host")));
    assertFalse(Resets.isReset(new IOException("reset the frobnicator")));
  }
}
