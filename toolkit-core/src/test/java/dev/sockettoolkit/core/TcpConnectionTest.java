package dev.sockettoolkit.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

class TcpConnectionTest extends ConnectionContractTest {
  @Override
  ConnectionPair connect(ConnectionOptions options) throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      if (options.receiveBufferSize() > 0) {
        listener.setOption(java.net.StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
      }
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      Connection client = Client.connect((InetSocketAddress) listener.getLocalAddress(), options);
      SocketChannel accepted = listener.accept();
      return new ConnectionPair(client, TcpConnection.open(accepted, options));
    }
  }
}
