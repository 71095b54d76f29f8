package com.example.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's quick start, as written there (port 0 instead of 7000), so it keeps compiling and working. */
@Timeout(30)
class ReadmeQuickStartTest {

  @Test
  void tlsEchoWithLengthPrefixedMessages() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("dev CA");
    TlsConfig serverTls = TlsConfig.server(ca.issue().dns("localhost").issue().keyMaterial()).build();
    FrameCodec<String> codec = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build());
    try (Server server = Server.builder().bind("127.0.0.1", 0)
            .handler(TlsConnection.serverHandler(serverTls, c -> {
              MessageChannel<String> ch = MessageChannel.open(c, codec);
              for (String m : ch) ch.send("echo: " + m);
            })).start();
        MessageChannel<String> client = MessageChannel.open(TlsConnection.client(
            Client.connect("127.0.0.1:" + server.port()), TlsConfig.client().trust(ca.trustMaterial()).build(), "localhost"), codec)) {
      client.send("hello");
      assertEquals("echo: hello", client.receive());
    }
  }

  @Test
  void plainByteStream() throws Exception {
    try (Server server = Server.builder()
            .bind("127.0.0.1", 0)
            .handler(connection -> connection.inputStream().transferTo(connection.outputStream()))
            .start();
        Connection client = Client.connect("127.0.0.1:" + server.port())) {
      client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
      client.shutdownOutput();
      assertEquals("hello", new String(client.inputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
