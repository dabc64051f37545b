package coursepulse.lms.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.UnsupportedByLogException;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP endpoint: {@code POST /v1/caliper} (Caliper envelopes) and {@code POST
 * /v1/canvas} (Canvas Live Events), each with {@code Authorization: Bearer TOKEN}. Answers only
 * after the broker confirmed every appended event; see {@code docs/ingest.md} for the contract.
 *
 * <pre>{@code
 * IngestServer server = IngestServer.start(
 *     log, IngestServer.Options.defaults(new InetSocketAddress("127.0.0.1", 8088), token)
 *         .withCatalog(catalog), registry, Clock.systemUTC());
 * ...
 * server.close();   // finishes requests in progress and their commits
 * }</pre>
 *
 * <p>Uses the JDK's HTTP server: two JSON endpoints do not justify a web framework. Thread-safe.
 */
public final class IngestServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

  /** The longest a request may take from its first byte to the answer's headers (JDK server). */
  static final int MAX_REQUEST_SECONDS = 60;

  static {
    // The JDK server writes headers and body separately; with Nagle on, a keep-alive client's
    // delayed ACK adds ~40 ms to every answer. Read once, when the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    // The JDK server reads a request's headers and body on a request thread, before the token
    // is checked: a client that sends them slowly, or never finishes, held a thread for as long
    // as it liked, and as many such connections as threads stopped the endpoint. Bound a request
    // from its first byte to the answer's headers, above the longest legitimate one (a 1 MiB
    // body, then up to the commit timeout of 30 s and 5 s more for the broker).
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
    }
  }

  private static final ObjectMapper JSON = EventCodec.newMapper();
  private static final ObjectReader BODY_READER =
      JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final String JSON_TYPE = "application/json; charset=utf-8";

  /**
   * Settings of the endpoint. Use {@link #defaults(InetSocketAddress, String)} and the {@code
   * with*} copies.
   *
   * @param listen address to bind
   * @param token the bearer token senders must present; required
   * @param catalog course dates and assignment-to-course lookups
   * @param maxRequestBytes larger bodies get 413; default 1 MiB
   * @param threads request-handling threads; default 16
   * @param dedupWindow dedup keys kept per stream (read back on start); default 100,000
   * @param producerName producer name on every stream; default {@code coursepulse-ingest}; two
   *     instances appending to the same streams need different names
   * @param commitTimeout longest a request waits for the broker before 503; default 30 s
   * @param deadLetterStream where refused events go; default {@code ingest-dlq}
   * @param deadLetterRetention retention of the dead-letter stream if ingest creates it; default
   *     30 days (it holds raw events)
   * @param maxEventTimeAhead a request with an event dated further ahead of this server's clock is
   *     refused whole with 400 {@code event_time_ahead}: one wrong clock would otherwise move the
   *     alerting application's stream time to its date; default 1 day
   */
  public record Options(
      InetSocketAddress listen,
      String token,
      CourseCatalog catalog,
      int maxRequestBytes,
      int threads,
      int dedupWindow,
      String producerName,
      Duration commitTimeout,
      String deadLetterStream,
      Retention deadLetterRetention,
      Duration maxEventTimeAhead) {

    public Options {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(catalog, "catalog");
      Objects.requireNonNull(producerName, "producerName");
      Objects.requireNonNull(commitTimeout, "commitTimeout");
      Objects.requireNonNull(deadLetterStream, "deadLetterStream");
      Objects.requireNonNull(maxEventTimeAhead, "maxEventTimeAhead");
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(
            "no ingest token: give --token-file or set COURSEPULSE_INGEST_TOKEN");
      }
      if (maxRequestBytes < 1024) {
        throw new IllegalArgumentException(
            "maxRequestBytes (--max-request-bytes) must be at least 1024, was " + maxRequestBytes);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads (--threads) must be at least 1, was " + threads);
      }
      if (dedupWindow < 1) {
        throw new IllegalArgumentException("dedupWindow (--dedup-window) must be at least 1, was " + dedupWindow);
      }
    }

    /** Defaults for an address and token; no course dates. */
    public static Options defaults(InetSocketAddress listen, String token) {
      return new Options(listen, token, CourseCatalog.empty(), 1 << 20, 16, 100_000,
          "coursepulse-ingest", Duration.ofSeconds(30), StreamNames.INGEST_DEAD_LETTERS,
          new Retention(Duration.ofDays(30), 0), Duration.ofDays(1));
    }

    public Options withCatalog(CourseCatalog catalog) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }

    public Options withMaxRequestBytes(int maxRequestBytes) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }

    public Options withThreads(int threads) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }

    public Options withDedupWindow(int dedupWindow) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }

    public Options withProducerName(String producerName) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }

    public Options withCommitTimeout(Duration commitTimeout) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }

    public Options withMaxEventTimeAhead(Duration maxEventTimeAhead) {
      return new Options(listen, token, catalog, maxRequestBytes, threads, dedupWindow,
          producerName, commitTimeout, deadLetterStream, deadLetterRetention, maxEventTimeAhead);
    }
  }

  private final Options options;
  private final IngestMetrics metrics;
  private final Clock clock;
  private final Appender appender;
  private final CaliperMapper caliper;
  private final CanvasMapper canvas;
  private final byte[] tokenDigest;
  private final HttpServer server;
  private final ExecutorService executor;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private IngestServer(
      StreamLog log, Options options, MeterRegistry registry, Clock clock) throws IOException {
    this.options = options;
    this.clock = clock;
    this.metrics = new IngestMetrics(registry);
    this.caliper = new CaliperMapper(options.catalog());
    this.canvas = new CanvasMapper(options.catalog());
    this.tokenDigest = sha256(options.token().getBytes(StandardCharsets.UTF_8));
    for (String stream : StreamNames.INPUTS) {
      if (!log.partitions(stream).isEmpty()) {
        throw new UnsupportedByLogException(
            stream + " is a super stream: the ingest endpoint writes plain input streams only so"
                + " far (routing by student into partitions is not implemented; docs/scaling.md)");
      }
      if (!log.streamExists(stream)) {
        throw new StreamNotFoundException(stream);
      }
    }
    log.createStream(options.deadLetterStream(), options.deadLetterRetention());
    List<String> streams = new ArrayList<>(StreamNames.INPUTS);
    streams.add(options.deadLetterStream());
    this.appender =
        new Appender(log, options.producerName(), streams, options.deadLetterStream(),
            options.dedupWindow(), options.commitTimeout(), metrics, options.catalog());
    appender.start();
    try {
      server = HttpServer.create(options.listen(), 256);
    } catch (IOException e) {
      appender.close();
      throw new IOException("cannot listen on " + options.listen() + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            options.threads(),
            r -> {
              Thread t = new Thread(r, "coursepulse-ingest-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("ingest listening on {} (POST /v1/caliper, /v1/canvas), appending to {} as '{}'",
        address(), log.describe(), options.producerName());
  }

  /**
   * Checks the streams, reads back their tails for deduplication and starts serving.
   *
   * @throws StreamNotFoundException when an input stream does not exist
   * @throws IOException when the address cannot be bound
   */
  public static IngestServer start(
      StreamLog log, Options options, MeterRegistry registry, Clock clock) throws IOException {
    return new IngestServer(log, options, registry, clock);
  }

  /** The bound address (port 0 in the options means any free port). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** RUNNING while the last group commit succeeded, DEGRADED otherwise. */
  public String health() {
    return appender.healthy() ? "RUNNING" : "DEGRADED";
  }

  private void handle(HttpExchange exchange) throws IOException {
    Source source = null;
    int status = 500;
    try {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/v1/caliper")) {
        source = Source.CALIPER;
      } else if (path.equals("/v1/canvas")) {
        source = Source.CANVAS;
      } else {
        status = error(exchange, 404, "not_found", "POST to /v1/caliper or /v1/canvas");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        status = error(exchange, 405, "method_not_allowed", "use POST");
        return;
      }
      if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"coursepulse-ingest\"");
        status = error(exchange, 401, "unauthorized", "missing or wrong bearer token");
        return;
      }
      byte[] body = readLimited(exchange);
      if (body == null) {
        status = error(exchange, 413, "too_large",
            "request body over " + options.maxRequestBytes() + " bytes");
        return;
      }
      status = ingest(exchange, source, body);
    } catch (RuntimeException e) {
      LOG.error("request failed unexpectedly", e);
      status = error(exchange, 500, "internal_error", "see the ingest log");
    } finally {
      exchange.close();
      metrics.request(source, status);
    }
  }

  private int ingest(HttpExchange exchange, Source source, byte[] body) throws IOException {
    JsonNode document;
    try {
      // One document per request: a second one after it would be acknowledged and never stored.
      document = body.length == 0 ? null : BODY_READER.readTree(body);
    } catch (IOException e) {
      return error(exchange, 400, "not_json",
          "the body is not one JSON document (send several events as one JSON array)");
    }
    if (document == null) {
      return error(exchange, 400, "empty", "the body is empty");
    }
    List<MappedEvent> mapped;
    try {
      mapped = source == Source.CALIPER ? caliper.map(document) : canvas.map(document);
    } catch (EnvelopeException e) {
      return error(exchange, 400, e.code(), e.getMessage());
    }
    String ahead = firstEventTooFarAhead(mapped);
    if (ahead != null) {
      metrics.rejected(source, RejectReason.EVENT_TIME_AHEAD);
      LOG.warn("{} request refused: {}", source.code(), ahead);
      return error(exchange, 400, "event_time_ahead", ahead);
    }
    List<Appender.Item> items = new ArrayList<>();
    for (MappedEvent m : mapped) {
      if (m instanceof MappedEvent.Accepted a) {
        for (LmsEvent e : a.events()) {
          items.add(new Appender.Item(e.eventId(), e.stream(), EventCodec.encode(e)));
        }
      } else if (m instanceof MappedEvent.Rejected r) {
        items.add(DeadLetters.item(options.deadLetterStream(), source, r, clock.instant()));
      }
    }
    List<Appender.Outcome> outcomes;
    try {
      outcomes =
          appender
              .submit(items)
              .get(options.commitTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      String why = e instanceof ExecutionException && e.getCause() instanceof LogException
          ? e.getCause().getMessage()
          : "the broker did not confirm in time";
      exchange.getResponseHeaders().set("Retry-After", "5");
      return error(exchange, 503, "log_unavailable", why + "; nothing was acknowledged, retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(exchange, 503, "shutting_down", "retry");
    }
    rememberAssignments(mapped);
    return respond(exchange, source, mapped, outcomes);
  }

  /**
   * Teaches the catalog the course of each assignment this request created, now that they are in
   * the stream: a submission without a course context finds it there. Only now: a refused request
   * or a dead-lettered assignment must not change where later submissions go.
   */
  private void rememberAssignments(List<MappedEvent> mapped) {
    MappedEvent.eachAssignmentCreated(mapped, options.catalog()::assignmentIn);
  }

  /**
   * Why the request must be refused because an event is dated too far ahead of this server's
   * clock, or null. The whole request is refused (nothing appended) so the sender sees the error
   * and can fix its clock, rather than a 207 it may not read.
   */
  private String firstEventTooFarAhead(List<MappedEvent> mapped) {
    java.time.Instant now = clock.instant();
    java.time.Instant limit = now.plus(options.maxEventTimeAhead());
    for (MappedEvent m : mapped) {
      if (m instanceof MappedEvent.Accepted a) {
        for (LmsEvent e : a.events()) {
          if (e.occurredAt().isAfter(limit)) {
            return "event " + m.index() + " (" + e.type() + ") is dated " + e.occurredAt()
                + ", more than " + options.maxEventTimeAhead().toHours() + " h ahead of this"
                + " server's clock (" + now + "): fix the sender's clock; nothing in this request"
                + " was appended";
          }
        }
      }
    }
    return null;
  }

  private int respond(
      HttpExchange exchange, Source source, List<MappedEvent> mapped,
      List<Appender.Outcome> outcomes) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode results = JSON.createArrayNode();
    int accepted = 0;
    int duplicates = 0;
    int ignored = 0;
    int rejected = 0;
    int next = 0;
    for (MappedEvent m : mapped) {
      ObjectNode r = results.addObject();
      r.put("index", m.index());
      r.put("id", m.sourceId());
      if (m instanceof MappedEvent.Accepted a) {
        ArrayNode events = r.putArray("events");
        boolean anyNew = false;
        for (LmsEvent e : a.events()) {
          boolean appended = outcomes.get(next++) == Appender.Outcome.APPENDED;
          anyNew |= appended;
          if (appended) {
            metrics.accepted(source, e.type());
          } else {
            metrics.duplicate(source);
          }
          events.addObject()
              .put("type", e.type())
              .put("eventId", e.eventId())
              .put("stream", e.stream())
              .put("appended", appended);
        }
        r.put("status", anyNew ? "accepted" : "duplicate");
        if (anyNew) {
          accepted++;
        } else {
          duplicates++;
        }
      } else if (m instanceof MappedEvent.Ignored i) {
        r.put("status", "ignored").put("detail", i.why());
        metrics.ignored(source);
        ignored++;
      } else if (m instanceof MappedEvent.Rejected x) {
        next++;
        r.put("status", "rejected")
            .put("reason", x.reason().code())
            .put("detail", x.detail())
            .put("deadLetterStream", options.deadLetterStream());
        metrics.rejected(source, x.reason());
        rejected++;
      }
    }
    root.put("accepted", accepted);
    root.put("duplicates", duplicates);
    root.put("ignored", ignored);
    root.put("rejected", rejected);
    root.set("results", results);
    int status = rejected > 0 ? 207 : 200;
    if (rejected > 0) {
      LOG.info("{} request: {} accepted, {} duplicate, {} ignored, {} rejected and dead-lettered",
          source.code(), accepted, duplicates, ignored, rejected);
    }
    return send(exchange, status, root);
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    // Comparing digests keeps the comparison constant-time in the token's length too.
    return MessageDigest.isEqual(sha256(presented), tokenDigest);
  }

  /** The body, or null when it is larger than the limit (declared or actual). */
  private byte[] readLimited(HttpExchange exchange) throws IOException {
    int max = options.maxRequestBytes();
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > max) {
          return null;
        }
      } catch (NumberFormatException e) {
        // The server has already refused malformed lengths; chunked bodies are counted below.
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(max + 1);
      return bytes.length > max ? null : bytes;
    }
  }

  private static int error(HttpExchange exchange, int status, String code, String detail)
      throws IOException {
    ObjectNode node = JSON.createObjectNode().put("error", code).put("detail", detail);
    return send(exchange, status, node);
  }

  private static int send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IOException(e);
    }
    exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops accepting connections, lets requests in progress finish (up to 5 s), completes queued
   * commits and closes the writers. Idempotent; does not close the log.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(5);
    executor.shutdown();
    try {
      executor.awaitTermination(options.commitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    appender.close();
  }
}
