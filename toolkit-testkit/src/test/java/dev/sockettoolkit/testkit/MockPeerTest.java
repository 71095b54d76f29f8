package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionResetException;
import dev.sockettoolkit.core.InMemoryAddress;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.framing.TruncatedFrameException;
import dev.sockettoolkit.tls.TlsConnection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(TestkitExtension.class)
class MockPeerTest {
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static MessageChannel<String> connect(MockPeer<String> peer) throws Exception {
    return MessageChannel.open(Client.connect(peer.address(), ConnectionOptions.defaults()), LINES);
  }

  @Test
  void aScriptThatRunsAsWrittenVerifies(MockPeer<String> peer) throws Exception {
    peer.expect("HELLO").reply("WELCOME").expect("QUIT").reply(List.of("BYE", "bye")).closeConnection();
    try (MessageChannel<String> client = connect(peer)) {
      client.send("HELLO");
      assertEquals("WELCOME", client.receive());
      client.send("QUIT");
      assertEquals("BYE", client.receive());
      assertEquals("bye", client.receive());
      assertNull(client.receive(), "the peer closed");
    }
    peer.verify();
    assertEquals(2, peer.receivedCount());
    assertEquals("HELLO", peer.takeReceived(WAIT));
    assertEquals("QUIT", peer.takeReceived(WAIT));
    assertThrows(AssertionError.class, () -> peer.takeReceived(Duration.ofMillis(50)));
  }

  @Test
  void anUnexpectedMessageIsReportedWithItsScriptPosition(MockPeer<String> peer) throws Exception {
    peer.expect("A").expect("B");
    try (MessageChannel<String> client = connect(peer)) {
      client.send("A");
      client.send("C");
      assertEquals("A", peer.takeReceived(WAIT));
      assertEquals("C", peer.takeReceived(WAIT));
    }
    AssertionError e = assertThrows(AssertionError.class, peer::verify);
    assertTrue(e.getMessage().contains("step 2 (expect \"B\"): received \"C\" instead"), e.getMessage());
  }

  @Test
  void aMissingMessageIsReportedAndTheRestOfTheScriptNamed() throws Exception {
    try (MockPeer<String> peer = MockPeer.inMemory(LINES).timeout(Duration.ofMillis(100))) {
      peer.expect("A").reply("never");
      try (MessageChannel<String> client = connect(peer)) {
        assertEquals("never", client.receive(WAIT), "the script goes on after a failed step");
      }
      AssertionError e = assertThrows(AssertionError.class, peer::verify);
      assertTrue(e.getMessage().contains("step 1 (expect \"A\"): 0 of 1 message(s) arrived"), e.getMessage());
    }
    try (MockPeer<String> peer = MockPeer.inMemory(LINES)) {
      peer.reply("x").expect("y");
      AssertionError e = assertThrows(AssertionError.class, peer::verify);
      assertTrue(e.getMessage().contains("steps 1 to 2 never ran"), e.getMessage());
    }
  }

  @Test
  void rawBytesResetsAndReconnectsAreScripted() throws Exception {
    FrameCodec<ByteBuffer> binary = FrameCodecs.lengthPrefix().build();
    try (MockPeer<ByteBuffer> peer = MockPeer.inMemory(binary)) {
      peer.sendRaw(new byte[] {0, 0, 0, 9, 1, 2}).closeConnection()   // a truncated frame
          .resetConnection()                                           // the second connection
          .reply(ByteBuffer.wrap(new byte[] {7}));                      // the third
      try (MessageChannel<ByteBuffer> first =
          MessageChannel.open(Client.connect(peer.address(), ConnectionOptions.defaults()), binary)) {
        assertThrows(TruncatedFrameException.class, first::receive);
      }
      try (Connection second = Client.connect(peer.address(), ConnectionOptions.defaults())) {
        assertThrows(ConnectionResetException.class, () -> second.read(ByteBuffer.allocate(1)));
      }
      try (MessageChannel<ByteBuffer> third =
          MessageChannel.open(Client.connect(peer.address(), ConnectionOptions.defaults()), binary)) {
        assertEquals(ByteBuffer.wrap(new byte[] {7}), third.receive());
      }
      peer.verify();
    }
  }

  @Test
  void aStalledPeerBacksUpTheClientsWrites() throws Exception {
    FrameCodec<ByteBuffer> binary = FrameCodecs.lengthPrefix().maxFrameSize(1 << 20).build();
    try (MockPeer<ByteBuffer> peer = MockPeer.inMemory(binary)) {
      peer.reply(ByteBuffer.allocate(1)).stall(Duration.ofMillis(400)).awaitMessages(1);
      try (MessageChannel<ByteBuffer> client =
          MessageChannel.open(Client.connect(peer.address(), ConnectionOptions.defaults()), binary)) {
        client.receive(); // the peer is stalling from about now on
        long start = System.nanoTime();
        client.send(ByteBuffer.allocate(512 * 1024)); // far more than the in-memory buffer holds
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= 250, "the send waited for the stalled peer: " + waited + " ms");
        assertEquals(512 * 1024, peer.takeReceived(WAIT).remaining());
      }
      peer.verify();
    }
  }

  @Test
  void overTcpWithTls() throws Exception {
    TestCertificates certs = TestCertificates.get();
    try (MockPeer<String> peer = MockPeer.tls(LINES, certs.serverConfig())) {
      peer.expect("ping").reply("pong");
      InetSocketAddress address = (InetSocketAddress) peer.address();
      Connection tcp = Client.connect(address, ConnectionOptions.defaults());
      try (MessageChannel<String> client =
          MessageChannel.open(TlsConnection.client(tcp, certs.clientConfig(), "localhost"), LINES)) {
        client.send("ping");
        assertEquals("pong", client.receive());
      }
      peer.verify();
    }
  }

  @Test
  void onTheClientSideOfAConnectionTheTestMade() throws Exception {
    InMemoryAddress address = InMemoryAddress.named("mock-peer-client-side");
    try (Server underTest =
            Server.builder()
                .bind(address)
                .handler(connection -> {
                  try (MessageChannel<String> channel = MessageChannel.open(connection, LINES)) {
                    channel.send("READY");
                    channel.send(channel.receive().toUpperCase(java.util.Locale.ROOT));
                  }
                })
                .start();
        MockPeer<String> client =
            MockPeer.on(Client.connect(address, ConnectionOptions.defaults()), LINES)) {
      client.expect("READY").reply("shout").expect("SHOUT");
      assertEquals("READY", client.takeReceived(WAIT));
      assertEquals("SHOUT", client.takeReceived(WAIT));
      client.verify();
      assertEquals(address, underTest.localAddress());
    }
  }
}
