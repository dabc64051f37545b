package coursepulse.io.rabbit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads the broker's version from the first frame of each connection the stream client opens.
 *
 * <p>The client's public API does not expose the version the broker sends in its peer properties
 * response (only its internal {@code impl.Client} does), so this handler, installed through the
 * public {@code EnvironmentBuilder.netty().channelCustomizer}, looks at the bytes as they arrive:
 * the first frame of a stream connection is the answer to the client's first request, peer
 * properties (stream protocol: {@code uint32 size, uint16 key 0x8011, uint16 version, uint32
 * correlation id, uint16 response code, int32 count, count × (string key, string value)}, strings
 * as {@code int16 length + UTF-8}). It copies at most that one frame, never consumes or changes what
 * it sees, and removes itself after it. It sits right after the TLS handler when there is one (so
 * it reads plain bytes) and first in the pipeline otherwise, so it depends on the wire protocol,
 * not on how the client lays out its own handlers.
 */
final class BrokerVersionSniffer extends ChannelInboundHandlerAdapter {

  private static final int PEER_PROPERTIES_RESPONSE = 0x8011;
  // A peer properties answer is a few hundred bytes; anything larger is not one.
  private static final int MAX_FRAME = 64 * 1024;

  private final AtomicReference<String> version;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream(512);

  private BrokerVersionSniffer(AtomicReference<String> version) {
    this.version = version;
  }

  /** A channel customizer that records every connection's broker version into {@code version}. */
  static Consumer<Channel> installer(AtomicReference<String> version) {
    return channel -> {
      BrokerVersionSniffer sniffer = new BrokerVersionSniffer(version);
      SslHandler tls = channel.pipeline().get(SslHandler.class);
      if (tls != null) {
        channel.pipeline().addAfter(channel.pipeline().context(tls).name(), null, sniffer);
      } else {
        channel.pipeline().addFirst(sniffer);
      }
    };
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      int n = Math.min(buf.readableBytes(), MAX_FRAME + 4 - seen.size());
      byte[] copy = new byte[n];
      buf.getBytes(buf.readerIndex(), copy);
      seen.write(copy, 0, n);
      if (firstFrameComplete()) {
        ctx.pipeline().remove(this);
      }
    } else {
      ctx.pipeline().remove(this); // not the byte stream we expect: stay out of the way
    }
    ctx.fireChannelRead(msg);
  }

  private boolean firstFrameComplete() {
    if (seen.size() < 4) {
      return false;
    }
    ByteBuffer bytes = ByteBuffer.wrap(seen.toByteArray());
    int size = bytes.getInt();
    if (size < 0 || size > MAX_FRAME) {
      return true; // give up: not a peer properties answer
    }
    if (bytes.remaining() < size) {
      return false;
    }
    String found = parse(bytes.slice(4, size));
    if (found != null) {
      version.set(found);
    }
    return true;
  }

  /** The {@code version} property of a peer properties answer, or null. */
  static String parse(ByteBuffer frame) {
    try {
      if (frame.getShort() != (short) PEER_PROPERTIES_RESPONSE) {
        return null;
      }
      frame.getShort(); // command version
      frame.getInt(); // correlation id
      if (frame.getShort() != 1) { // response code OK
        return null;
      }
      int count = frame.getInt();
      for (int i = 0; i < count; i++) {
        String key = string(frame);
        String value = string(frame);
        if ("version".equals(key)) {
          return value;
        }
      }
      return null;
    } catch (RuntimeException e) {
      return null; // truncated or not what we thought: the caller reports the version as unknown
    }
  }

  private static String string(ByteBuffer frame) {
    int length = frame.getShort();
    if (length < 0) {
      return null;
    }
    byte[] utf8 = new byte[length];
    frame.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
