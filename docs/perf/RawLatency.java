import com.rabbitmq.stream.*;
import java.nio.ByteBuffer;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.locks.LockSupport;

/**
 * Raw stream-client publish -> consume latency at a fixed rate, no engine (docs/performance.md,
 * "Live latency on RabbitMQ"). Run: {@code java -cp target/coursepulse.jar
 * docs/perf/RawLatency.java HOST PORT CREDITS RATE SECONDS [DYNAMIC_BATCH]} (guest/guest, vhost /).
 */
public class RawLatency {
  public static void main(String[] a) throws Exception {
    String host = a[0]; int port = Integer.parseInt(a[1]); int credits = Integer.parseInt(a[2]);
    int rate = Integer.parseInt(a[3]); int seconds = Integer.parseInt(a[4]); boolean dyn = a.length < 6 || Boolean.parseBoolean(a[5]);
    Address fixed = new Address(host, port);
    Environment env = Environment.builder().host(host).port(port).addressResolver(x -> fixed)
        .maxProducersByConnection(1).build();
    String[] streams = {"raw-lat-1-" + System.nanoTime(), "raw-lat-2-" + System.nanoTime(), "raw-lat-3-" + System.nanoTime()};
    long[] lat = new long[rate * seconds]; int[] n = {0};
    List<Consumer> cs = new ArrayList<>(); List<Producer> ps = new ArrayList<>();
    for (String s : streams) {
      env.streamCreator().stream(s).create();
      cs.add(env.consumerBuilder().stream(s).offset(OffsetSpecification.first()).noTrackingStrategy()
          .flow().strategy(ConsumerFlowStrategy.creditWhenHalfMessagesProcessed(credits)).builder()
          .messageHandler((ctx, m) -> {
            long t0 = ByteBuffer.wrap(m.getBodyAsBinary()).getLong();
            synchronized (lat) { if (n[0] < lat.length) lat[n[0]++] = (System.nanoTime() - t0) / 1000; }
            ctx.processed();
          }).build());
      ps.add(env.producerBuilder().stream(s).batchSize(500).batchPublishingDelay(java.time.Duration.ofMillis(10)).dynamicBatch(dyn).build());
    }
    long total = (long) rate * seconds; long start = System.nanoTime(); double per = 1e9 / rate;
    for (long i = 0; i < total; i++) {
      long due = start + (long) (i * per); long now;
      while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
      byte[] body = ByteBuffer.allocate(200).putLong(System.nanoTime()).array();
      ps.get((int) (i % 7 == 0 ? 0 : i % 2 + 1)).send(ps.get(0).messageBuilder().addData(body).build(), s -> {});
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) { synchronized (lat) { if (n[0] >= total) break; } Thread.sleep(10); }
    long[] l; synchronized (lat) { l = Arrays.copyOf(lat, n[0]); }
    Arrays.sort(l);
    System.out.printf("raw latency credits=%d dyn=" + dyn + ": %d msgs p50 %.1f ms p99 %.1f ms max %.1f ms%n", credits, l.length,
        l[l.length / 2] / 1000.0, l[(int) (l.length * 0.99)] / 1000.0, l[l.length - 1] / 1000.0);
    for (Consumer c : cs) c.close(); for (Producer p : ps) p.close();
    for (String s : streams) env.deleteStream(s);
    env.close();
  }
}
