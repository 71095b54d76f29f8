package dev.sockettoolkit.core;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class UnixConnectionTest extends ConnectionContractTest {
  @TempDir Path directory;
  private int sockets;

  @Override
  ConnectionPair connect(ConnectionOptions options) throws IOException {
    UnixDomainSocketAddress address =
        UnixDomainSocketAddress.of(directory.resolve("s" + sockets++ + ".sock"));
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(address);
      Connection client = Client.connect(address, options);
      Connection server = UnixConnection.open(listener.accept(), options);
      return new ConnectionPair(client, server);
    } finally {
      Files.deleteIfExists(address.getPath());
    }
  }

  @Override
  boolean abortResetsPeer() {
    return false;
  }
}
