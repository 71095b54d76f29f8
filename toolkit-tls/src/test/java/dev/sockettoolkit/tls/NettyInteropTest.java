package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interoperability with Netty's {@link SslHandler} (JDK provider) in both roles. */
class NettyInteropTest {
  static EventLoopGroup group;

  @BeforeAll
  static void startGroup() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopGroup() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  /** A Netty TLS echo server; returns its channel. */
  static Channel nettyEchoServer(SslContext context) throws Exception {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(context.newHandler(ch.alloc()));
                ch.pipeline().addLast(
                    new ChannelInboundHandlerAdapter() {
                      @Override
                      public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                      }
                    });
              }
            })
        .bind("127.0.0.1", 0)
        .sync()
        .channel();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void ourClientBulkEchoesThroughNettyServer(String protocol) throws Exception {
    SslContext context =
        SslContextBuilder.forServer(TestPki.SERVER.privateKey(), TestPki.SERVER.chain().toArray(new X509Certificate[0]))
            .sslProvider(SslProvider.JDK)
            .protocols(protocol)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    "myproto/1"))
            .build();
    Channel server = nettyEchoServer(context);
    try {
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      TlsConfig config = TestPki.client().alpn("myproto/1").build();
      try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + port, Transports.OPTIONS), config, "localhost")) {
        int size = 2 << 20;
        CompletableFuture<Long> received = TlsPeers.async(() -> TlsConnectionTest.receive(tls, size));
        long sent = TlsConnectionTest.send(tls, size, 3);
        assertEquals(sent, (long) TlsPeers.await(received));
        assertEquals(protocol, tls.session().protocol());
        assertEquals("myproto/1", tls.session().applicationProtocol());
      }
    } finally {
      server.close().sync();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void nettyClientDoesMutualTlsWithOurServer(String protocol) throws Exception {
    TlsConfig config =
        TestPki.server().clientAuth(ClientAuth.REQUIRED).trust(TestPki.CA.trustMaterial()).protocols(protocol).build();
    try (Server server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .handler(
                TlsConnection.serverHandler(
                    config,
                    tls -> {
                      byte[] request = TlsPeers.readExactly(tls, 5);
                      String reply = new String(request, StandardCharsets.US_ASCII) + " "
                          + tls.session().protocol() + " " + tls.session().peerPrincipal().orElseThrow() + "\n";
                      tls.write(TlsPeers.ascii(reply));
                    }))
            .start()) {
      SslContext context =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .protocols(protocol)
              .trustManager(TestPki.CA.certificate())
              .keyManager(TestPki.CLIENT.privateKey(), TestPki.CLIENT.chain().toArray(new X509Certificate[0]))
              .build();
      CompletableFuture<String> reply = new CompletableFuture<>();
      StringBuilder received = new StringBuilder();
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      SslHandler ssl = context.newHandler(ch.alloc(), "localhost", server.port());
                      SSLEngine engine = ssl.engine();
                      SSLParameters parameters = engine.getSSLParameters();
                      parameters.setEndpointIdentificationAlgorithm("HTTPS");
                      engine.setSSLParameters(parameters);
                      ch.pipeline().addLast(ssl);
                      ch.pipeline().addLast(
                          new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                              ctx.writeAndFlush(Unpooled.copiedBuffer("netty", StandardCharsets.US_ASCII));
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                              ByteBuf buf = (ByteBuf) msg;
                              received.append(buf.toString(StandardCharsets.US_ASCII));
                              buf.release();
                              if (received.indexOf("\n") >= 0) {
                                reply.complete(received.toString());
                              }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                              reply.completeExceptionally(cause);
                              ctx.close();
                            }
                          });
                    }
                  })
              .connect("127.0.0.1", server.port())
              .sync()
              .channel();
      try {
        assertEquals("netty " + protocol + " CN=test-client\n", reply.get(20, TimeUnit.SECONDS));
      } finally {
        channel.close().sync();
      }
    }
  }

  @Test
  void nettyServerClosingWithCloseNotifyIsACleanEndOfStream() throws Exception {
    SslContext context =
        SslContextBuilder.forServer(TestPki.SERVER.privateKey(), TestPki.SERVER.chain().toArray(new X509Certificate[0]))
            .sslProvider(SslProvider.JDK)
            .build();
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler ssl = context.newHandler(ch.alloc());
                    ch.pipeline().addLast(ssl);
                    ch.pipeline().addLast(
                        new ChannelInboundHandlerAdapter() {
                          @Override
                          public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                            ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                                .addListener(f -> ssl.closeOutbound().addListener(g -> ctx.close()));
                          }
                        });
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    try {
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + port, Transports.OPTIONS), TestPki.client().build(), "localhost")) {
        tls.write(TlsPeers.ascii("x"));
        assertEquals("bye", new String(TlsPeers.readExactly(tls, 3), StandardCharsets.US_ASCII));
        assertEquals(-1, tls.read(ByteBuffer.allocate(10)));
        assertTrue(tls.isOpen());
      }
    } finally {
      server.close().sync();
    }
  }
}
