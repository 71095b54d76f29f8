package dev.sockettoolkit.bench;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.MessageChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding {@value CodecFixture#FRAMES} frames from a byte stream that arrives in {@code chunk}-byte
 * reads, per frame: the toolkit's {@code FrameDecoder} against Netty's frame decoders. Both get the
 * same bytes in the same chunks, and both pay one copy per chunk into their own receive buffer, as
 * a socket read would (the toolkit: a reused heap buffer managed as {@code MessageChannel} does;
 * Netty: a buffer from the channel's allocator, handed to the pipeline of an {@code
 * EmbeddedChannel}). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per frame.
 *
 * <p>{@code toolkit} gets frames the caller owns (a copy each, as {@code MessageChannel.receive}
 * returns them); Netty's decoders return slices of their buffer. {@code toolkitBatch} is the
 * toolkit's counterpart of a slice: a whole {@code MessageChannel} (over {@link ChunkedStream})
 * with {@code receiveBatch}, which lends byte frames as views, so it pays for the channel's
 * buffering, locking and batch too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
public class DecodeBenchmark {
  @Param({"lengthPrefix", "tlv", "lines", "delimiter"})
  public String format;

  @Param({"16", "1024", "65536"})
  public int frameSize;

  @Param({"8192"})
  public int chunk;

  private byte[] stream;
  private FrameDecoder<?> toolkitDecoder;
  private ByteBuffer received;
  private EmbeddedChannel channel;
  private ChannelPipeline pipeline;
  private ByteBufAllocator alloc;
  private Sink sink;
  private FrameCodec<Object> codec;
  private final BatchSink batchSink = new BatchSink();

  @Setup
  public void setUp() {
    stream = CodecFixture.stream(format, frameSize);
    @SuppressWarnings("unchecked")
    FrameCodec<Object> any = (FrameCodec<Object>) CodecFixture.toolkitCodec(format);
    codec = any;
    toolkitDecoder = codec.newDecoder();
    received = ByteBuffer.allocate(Math.max(64 * 1024, frameSize + 1024) + chunk);
    received.limit(0);
    sink = new Sink();
    channel = new EmbeddedChannel();
    for (ChannelHandler handler : CodecFixture.nettyDecoders(format)) {
      channel.pipeline().addLast(handler);
    }
    channel.pipeline().addLast(sink);
    pipeline = channel.pipeline();
    alloc = channel.alloc();
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }

  @Benchmark
  @OperationsPerInvocation(CodecFixture.FRAMES)
  public int toolkit(Blackhole bh) throws IOException {
    FrameDecoder<?> decoder = toolkitDecoder;
    ByteBuffer buffer = received;
    int frames = 0;
    for (int offset = 0; offset < stream.length; offset += chunk) {
      int n = Math.min(chunk, stream.length - offset);
      if (buffer.capacity() - buffer.limit() < n) {
        buffer.compact().flip();
      }
      int start = buffer.position();
      buffer.position(buffer.limit()).limit(buffer.limit() + n);
      buffer.put(stream, offset, n);
      buffer.position(start);
      for (Object frame; (frame = decoder.decode(buffer)) != null; ) {
        bh.consume(frame);
        frames++;
      }
    }
    return check(frames);
  }

  @Benchmark
  @OperationsPerInvocation(CodecFixture.FRAMES)
  public int netty(Blackhole bh) {
    sink.bh = bh;
    sink.frames = 0;
    for (int offset = 0; offset < stream.length; offset += chunk) {
      int n = Math.min(chunk, stream.length - offset);
      ByteBuf read = alloc.buffer(n);
      read.writeBytes(stream, offset, n);
      pipeline.fireChannelRead(read);
    }
    pipeline.fireChannelReadComplete();
    return check(sink.frames);
  }

  @Benchmark
  @OperationsPerInvocation(CodecFixture.FRAMES)
  public int toolkitBatch(Blackhole bh) throws IOException {
    batchSink.bh = bh;
    batchSink.frames = 0;
    try (MessageChannel<Object> channel = MessageChannel.open(new ChunkedStream(stream, chunk), codec)) {
      while (channel.receiveBatch(batchSink)) {
        // every frame goes to the sink
      }
    }
    return check(batchSink.frames);
  }

  /** Counts each lent frame and hands it to the blackhole. */
  static final class BatchSink implements MessageChannel.BatchHandler<Object> {
    Blackhole bh;
    int frames;

    @Override
    public void handle(List<Object> messages) {
      for (Object m : messages) {
        bh.consume(m);
      }
      frames += messages.size();
    }
  }

  private static int check(int frames) {
    if (frames != CodecFixture.FRAMES) {
      throw new IllegalStateException("decoded " + frames + " frames, expected " + CodecFixture.FRAMES);
    }
    return frames;
  }

  /** The end of Netty's pipeline: counts each frame, hands it to the blackhole, releases it. */
  @ChannelHandler.Sharable
  static final class Sink extends ChannelInboundHandlerAdapter {
    Blackhole bh;
    int frames;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      bh.consume(msg);
      frames++;
      ReferenceCountUtil.release(msg);
    }
  }
}
