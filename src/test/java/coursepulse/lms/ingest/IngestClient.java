package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test helper: posts to a running ingest server and reads what landed in the streams. */
final class IngestClient {

  /** A response with its parsed JSON body. */
  record Answer(int status, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String token;

  IngestClient(InetSocketAddress address, String token) {
    this.base = URI.create("http://" + address.getHostString() + ":" + address.getPort());
    this.token = token;
  }

  Answer post(String path, byte[] body) {
    return post(path, body, token);
  }

  Answer post(String path, byte[] body, String bearer) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The offset the next message of each stream will get: the mark tests read from. */
  static Map<String, Long> marks(StreamLog log, List<String> streams) {
    Map<String, Long> out = new HashMap<>();
    for (String s : streams) {
      out.put(s, end(log, s));
    }
    return out;
  }

  /** One past the last offset of a stream (0 when empty). */
  static long end(StreamLog log, String stream) {
    Optional<StreamStats> stats = log.stats(stream);
    return stats.map(s -> s.lastOffset() + 1).orElse(0L);
  }

  /** Every message body from {@code from} to the current end of the stream. */
  static List<byte[]> bodiesSince(StreamLog log, String stream, long from) {
    long end = end(log, stream);
    List<byte[]> out = new ArrayList<>();
    if (end <= from) {
      return out;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(from))) {
      while (out.size() < end - from) {
        LogMessage m = reader.poll(Duration.ofMillis(200));
        if (m != null) {
          out.add(m.body());
        } else if (System.nanoTime() > deadline) {
          throw new AssertionError("read " + out.size() + " of " + (end - from) + " from " + stream);
        }
      }
    }
    return out;
  }

  static List<LmsEvent> eventsSince(StreamLog log, String stream, long from) {
    return bodiesSince(log, stream, from).stream().map(EventCodec::decode).toList();
  }

  static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
