package coursepulse.lms.simulator;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends a simulation to the product's input streams, or to NDJSON, through an {@link
 * EventPublisher} under the configuration's {@link SimulationConfig#producerName() producer name}:
 * a producer killed at any point and restarted with the same options resumes after the last
 * stored event, without duplicates and without a gap.
 */
public final class SimulationPublisher {

  private final EventPublisher publisher;

  /**
   * @param pacer holds events back to the simulated speed
   * @param progress receives a snapshot at most once a second and a final one
   */
  public SimulationPublisher(Pacer pacer, Consumer<Progress> progress) {
    this(new EventPublisher(pacer, progress));
  }

  private SimulationPublisher(EventPublisher publisher) {
    this.publisher = publisher;
  }

  /**
   * What {@code produce} needs people to do when the log holds another simulation whose events
   * are newer than this one's first: a second term appended before them would be read as late.
   */
  public static final String EARLIER_FEED_ADVICE =
      "Publish one simulation per log: other --seed, --students, --courses, --days, --start or"
          + " --persona-mix values make another simulation. Use an empty log (a new vhost, or a"
          + " new --embedded-dir), or give the options that made this one to resume it.";

  /**
   * This publisher, refusing a simulation that would go back before the newest event of the
   * streams ({@link EventPublisher#refusingEarlierFeeds}).
   */
  public SimulationPublisher refusingEarlierFeeds() {
    return new SimulationPublisher(publisher.refusingEarlierFeeds(EARLIER_FEED_ADVICE));
  }

  /**
   * Publishes every event of the simulation that the log does not have yet, creating the three
   * input streams when they are missing.
   *
   * @return the final progress snapshot
   * @throws coursepulse.engine.log.LogException when the log refuses or cannot be reached
   */
  public Progress publish(Simulation simulation, StreamLog log) {
    return publish(simulation, log, Long.MAX_VALUE);
  }

  /**
   * Like {@link #publish(Simulation, StreamLog)}, but stops after the first {@code maxEvents}
   * events of the run (benchmarks size their load with it).
   */
  public Progress publish(Simulation simulation, StreamLog log, long maxEvents) {
    return publisher.publish(
        simulation.run(), simulation.config().producerName(), log, maxEvents);
  }

  /**
   * Whether {@code log} holds enrolments that this simulation did not write: another simulation's
   * (another seed, size or term, so another producer name). A demo that went on would add this
   * simulation's events to that one's and score both runs' alerts against this one's ground truth.
   */
  public static boolean holdsAnotherSimulation(Simulation simulation, StreamLog log) {
    String producer = simulation.config().producerName();
    List<String> partitions = log.partitions(StreamNames.ENROLLMENT);
    if (partitions.isEmpty()) {
      return holdsOthers(log, StreamNames.ENROLLMENT, producer);
    }
    for (int k = 0; k < partitions.size(); k++) {
      // a partition's producer name, as EventPublisher names it
      if (holdsOthers(log, partitions.get(k), producer + "-" + k)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsOthers(StreamLog log, String stream, String producer) {
    if (!log.streamExists(stream) || log.stats(stream).isEmpty()) {
      return false;
    }
    try (LogWriter writer = log.writer(stream, producer)) {
      return writer.lastPublishingId() < 0;
    }
  }

  /** Writes every event as one JSON line, in the run's global order. */
  public Progress writeNdjson(Simulation simulation, OutputStream out) {
    return publisher.writeNdjson(simulation.run(), out);
  }
}
