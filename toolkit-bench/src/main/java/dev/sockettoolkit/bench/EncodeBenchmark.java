package dev.sockettoolkit.bench;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.string.LineEncoder;
import io.netty.handler.codec.string.LineSeparator;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one frame, ready for a gathering write: the toolkit's {@code FrameCodec.encode} into a
 * reused {@link FrameSink} (small payloads copied, payloads of 4 KiB or more by reference, as
 * {@code MessageChannel}'s outbound buffer does) against Netty's encoder called directly with its
 * real {@code ChannelHandlerContext}: {@code LengthFieldPrepender}, {@code LineEncoder}, and for
 * delimiters, which Netty has no encoder for, the two-line {@code MessageToMessageEncoder} a Netty
 * user writes. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
public class EncodeBenchmark {
  @Param({"lengthPrefix", "lines", "delimiter"})
  public String format;

  @Param({"16", "1024", "65536"})
  public int frameSize;

  private FrameCodec<Object> codec;
  private Object toolkitFrame;
  private ReusedSink sink;

  private EmbeddedChannel channel;
  private ChannelHandlerContext ctx;
  private NettyEncoder nettyEncoder;
  private Object nettyFrame;
  private final List<Object> out = new ArrayList<>();

  @SuppressWarnings("unchecked")
  @Setup
  public void setUp() {
    codec = (FrameCodec<Object>) CodecFixture.toolkitCodec(format);
    byte[] payload = CodecFixture.payload(format, frameSize);
    String text = new String(payload, StandardCharsets.US_ASCII);
    toolkitFrame = format.equals("lines") ? text : ByteBuffer.wrap(payload);
    sink = new ReusedSink(frameSize + 64);
    switch (format) {
      case "lengthPrefix":
        nettyEncoder = new Prepender();
        nettyFrame = Unpooled.wrappedBuffer(payload);
        break;
      case "lines":
        nettyEncoder = new Lines();
        nettyFrame = text;
        break;
      default:
        nettyEncoder = new DelimiterAppender();
        nettyFrame = Unpooled.wrappedBuffer(payload);
        break;
    }
    channel = new EmbeddedChannel(nettyEncoder.handler());
    ctx = channel.pipeline().context(nettyEncoder.handler());
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }

  @Benchmark
  public void toolkit(Blackhole bh) throws IOException {
    sink.clear();
    codec.encode(toolkitFrame, sink);
    bh.consume(sink.staging);
    bh.consume(sink.large);
  }

  @Benchmark
  public void netty(Blackhole bh) throws Exception {
    nettyEncoder.encodeFrame(ctx, nettyFrame, out);
    for (int i = 0; i < out.size(); i++) {
      Object part = out.get(i);
      bh.consume(part);
      ReferenceCountUtil.release(part);
    }
    out.clear();
  }

  /** A Netty encoder with its protected {@code encode} opened to the benchmark. */
  interface NettyEncoder {
    void encodeFrame(ChannelHandlerContext ctx, Object frame, List<Object> out) throws Exception;

    io.netty.channel.ChannelHandler handler();
  }

  static final class Prepender extends LengthFieldPrepender implements NettyEncoder {
    Prepender() {
      super(4);
    }

    @Override
    public void encodeFrame(ChannelHandlerContext ctx, Object frame, List<Object> out) throws Exception {
      super.encode(ctx, (ByteBuf) frame, out);
    }

    @Override
    public io.netty.channel.ChannelHandler handler() {
      return this;
    }
  }

  static final class Lines extends LineEncoder implements NettyEncoder {
    Lines() {
      super(LineSeparator.UNIX, StandardCharsets.UTF_8);
    }

    @Override
    public void encodeFrame(ChannelHandlerContext ctx, Object frame, List<Object> out) throws Exception {
      super.encode(ctx, (CharSequence) frame, out);
    }

    @Override
    public io.netty.channel.ChannelHandler handler() {
      return this;
    }
  }

  /** What a Netty user writes for delimited frames: the payload, then a shared delimiter buffer. */
  static final class DelimiterAppender extends MessageToMessageEncoder<ByteBuf> implements NettyEncoder {
    private final ByteBuf delimiter =
        Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {CodecFixture.DELIMITER}));

    DelimiterAppender() {
      super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
      out.add(msg.retain());
      out.add(delimiter.duplicate());
    }

    @Override
    public void encodeFrame(ChannelHandlerContext ctx, Object frame, List<Object> out) {
      encode(ctx, (ByteBuf) frame, out);
    }

    @Override
    public io.netty.channel.ChannelHandler handler() {
      return this;
    }
  }

  /**
   * A sink like {@code MessageChannel}'s: bytes copied into one reused buffer, a payload of 4 KiB or
   * more kept by reference.
   */
  static final class ReusedSink implements FrameSink {
    final ByteBuffer staging;
    ByteBuffer large;

    ReusedSink(int capacity) {
      staging = ByteBuffer.allocate(capacity);
    }

    void clear() {
      staging.clear();
      large = null;
    }

    @Override
    public void put(byte b) {
      staging.put(b);
    }

    @Override
    public void put(byte[] src, int offset, int length) {
      staging.put(src, offset, length);
    }

    @Override
    public void put(ByteBuffer src) {
      int n = src.remaining();
      if (n >= 4096) {
        large = src;
      } else {
        int at = staging.position();
        staging.put(at, src, src.position(), n);
        staging.position(at + n);
      }
    }
  }
}
