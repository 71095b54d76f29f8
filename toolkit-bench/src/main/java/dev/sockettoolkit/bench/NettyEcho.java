package dev.sockettoolkit.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.HdrHistogram.Histogram;

/**
 * The echo protocol on Netty, written the way Netty's own examples do it: {@code
 * LengthFieldBasedFrameDecoder} and {@code LengthFieldPrepender} in the pipeline, writes flushed
 * once per read batch ({@code channelReadComplete}), and for TLS an {@code SslHandler} in front.
 */
final class NettyEcho {
  /**
   * The TLS version Netty's {@code SslHandler} is limited to: TLS 1.3 as the toolkit's, unless the
   * system property {@code bench.netty.tls} says otherwise (e.g. {@code TLSv1.2}, to show how much
   * of Netty's JDK-provider TLS figure is TLS 1.3 specific).
   */
  static final String TLS_PROTOCOL = System.getProperty("bench.netty.tls", "TLSv1.3");

  private NettyEcho() {}

  /** The Netty transport and TLS provider behind a stack. */
  static NettyTransport transport(Stack stack) {
    return stack == Stack.NETTY_EPOLL ? NettyTransport.EPOLL : NettyTransport.NIO;
  }

  static SslProvider provider(Stack stack) {
    return stack == Stack.NETTY_OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  static void addFraming(ChannelPipeline pipeline) {
    pipeline.addLast(new LengthFieldBasedFrameDecoder(Settings.MAX_FRAME, 0, 4, 0, 4));
    pipeline.addLast(new LengthFieldPrepender(4));
  }

  /** The server: one event loop per core, as a Netty server would be set up. */
  static final class Server implements EchoServer {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final AtomicInteger open = new AtomicInteger();

    Server(Stack stack, TlsMaterial tls) throws Exception {
      NettyTransport transport = transport(stack);
      SslContext ssl =
          tls == null
              ? null
              : SslContextBuilder.forServer(tls.key(), tls.chain())
                  .sslProvider(provider(stack))
                  .protocols(TLS_PROTOCOL)
                  .build();
      boss = transport.newGroup(1);
      workers = transport.newGroup(Runtime.getRuntime().availableProcessors());
      EchoHandler echo = new EchoHandler();
      listener =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      open.incrementAndGet();
                      ch.closeFuture().addListener(f -> open.decrementAndGet());
                      if (ssl != null) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                      }
                      addFraming(ch.pipeline());
                      ch.pipeline().addLast(echo);
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
    }

    @Override
    public int port() {
      return ((java.net.InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public int connections() {
      return open.get();
    }

    @Override
    public void close() {
      listener.close().syncUninterruptibly();
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @ChannelHandler.Sharable
  static final class EchoHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The client: its own event loops, one per core, shared by all its connections. */
  static final class Client implements EchoClient {
    private final NettyTransport transport;
    private final SslContext ssl;
    private final EventLoopGroup group;
    private volatile String negotiated;

    Client(Stack stack, TlsMaterial tls) throws Exception {
      transport = transport(stack);
      ssl =
          tls == null
              ? null
              : SslContextBuilder.forClient()
                  .trustManager(tls.ca())
                  .sslProvider(provider(stack))
                  .protocols(TLS_PROTOCOL)
                  .endpointIdentificationAlgorithm("HTTPS")
                  .build();
      group = transport.newGroup(Runtime.getRuntime().availableProcessors());
    }

    private Channel connect(int port, ChannelHandler last) throws Exception {
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(transport.channel())
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      if (ssl != null) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", port));
                      }
                      addFraming(ch.pipeline());
                      ch.pipeline().addLast(last);
                    }
                  })
              .connect("127.0.0.1", port)
              .sync()
              .channel();
      SslHandler handler = channel.pipeline().get(SslHandler.class);
      if (handler != null) {
        handler.handshakeFuture().sync();
        negotiated = handler.engine().getSession().getProtocol() + "/" + handler.engine().getSession().getCipherSuite();
      }
      return channel;
    }

    @Override
    public String negotiated() {
      return negotiated;
    }

    static ByteBuf payload(int size) {
      ByteBuf buf = Unpooled.directBuffer(size);
      for (int i = 0; i < size; i++) {
        buf.writeByte(i);
      }
      return Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    @Override
    public Load startLoad(int port, int connections, int size, int window) throws Exception {
      ByteBuf payload = payload(size);
      List<PipelineHandler> handlers = new ArrayList<>();
      List<Channel> channels = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          PipelineHandler handler = new PipelineHandler(payload, window);
          handlers.add(handler);
          channels.add(connect(port, handler));
        }
      } catch (Exception e) {
        channels.forEach(Channel::close);
        throw e;
      }
      handlers.forEach(PipelineHandler::start);
      return new Load() {
        @Override
        public long received() {
          long sum = 0;
          for (PipelineHandler h : handlers) {
            sum += h.received();
          }
          return sum;
        }

        @Override
        public void close() {
          handlers.forEach(PipelineHandler::stop);
          for (Channel channel : channels) {
            if (!channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)) {
              channel.close();
            }
          }
        }
      };
    }

    @Override
    public Histogram roundTrips(int port, int size, long warmupNanos, long measureNanos, int maxSamples)
        throws Exception {
      PingPongHandler handler = new PingPongHandler(payload(size), warmupNanos, measureNanos, maxSamples);
      Channel channel = connect(port, handler);
      try {
        channel.eventLoop().execute(handler::sendFirst);
        long limit = TimeUnit.NANOSECONDS.toMillis(warmupNanos + measureNanos) + 10_000;
        return handler.done.get(limit, TimeUnit.MILLISECONDS);
      } finally {
        channel.close().sync();
      }
    }

    @Override
    public void close() {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Keeps {@code window} frames in flight: one new frame for every echo, flushed per read batch. */
  static final class PipelineHandler extends ChannelInboundHandlerAdapter {
    private static final AtomicLongFieldUpdater<PipelineHandler> RECEIVED =
        AtomicLongFieldUpdater.newUpdater(PipelineHandler.class, "received");

    private final ByteBuf payload;
    private final int window;
    private volatile long received;
    private ChannelHandlerContext ctx;
    private boolean stopping;
    private int outstanding;

    PipelineHandler(ByteBuf payload, int window) {
      this.payload = payload;
      this.window = window;
    }

    long received() {
      return received;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void start() {
      ctx.executor().execute(() -> {
        for (int i = 0; i < window; i++) {
          ctx.write(payload.duplicate(), ctx.voidPromise());
        }
        outstanding = window;
        ctx.flush();
      });
    }

    void stop() {
      ctx.executor().execute(() -> {
        stopping = true;
        if (outstanding == 0) {
          ctx.close();
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      RECEIVED.lazySet(this, received + 1);
      outstanding--;
      if (!stopping) {
        ctx.write(payload.duplicate(), ctx.voidPromise());
        outstanding++;
      } else if (outstanding == 0) {
        ctx.close();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      System.err.println("netty client: " + cause);
      ctx.close();
    }
  }

  /** One frame at a time: send, wait for the echo, record the round trip, repeat. */
  static final class PingPongHandler extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Histogram> done = new CompletableFuture<>();
    private final ByteBuf payload;
    private final long warmupNanos;
    private final long measureNanos;
    private final int maxSamples;
    private final Histogram recorded = RoundTrips.histogram();
    private ChannelHandlerContext ctx;
    private long begin;
    private long sentAt;

    PingPongHandler(ByteBuf payload, long warmupNanos, long measureNanos, int maxSamples) {
      this.payload = payload;
      this.warmupNanos = warmupNanos;
      this.measureNanos = measureNanos;
      this.maxSamples = maxSamples;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void sendFirst() {
      begin = System.nanoTime();
      send();
    }

    private void send() {
      sentAt = System.nanoTime();
      ctx.writeAndFlush(payload.duplicate(), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      long now = System.nanoTime();
      ((ByteBuf) msg).release();
      long elapsed = now - begin;
      if (elapsed >= warmupNanos) {
        recorded.recordValue(now - sentAt);
      }
      if (elapsed >= warmupNanos + measureNanos || recorded.getTotalCount() == maxSamples) {
        done.complete(recorded);
      } else {
        send();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }
}
