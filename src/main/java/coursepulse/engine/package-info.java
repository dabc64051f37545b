/**
 * The stream processing engine's public API, modelled on Kafka Streams: a {@link
 * coursepulse.engine.Topology} of sources, {@link coursepulse.engine.Processor}s, sinks and state
 * stores, run either by {@link coursepulse.engine.StreamEngine} over a {@link
 * coursepulse.engine.log.StreamLog} or synchronously by {@link coursepulse.engine.TestDriver} in
 * tests. Records are processed in event-time order across inputs; stream time is the largest event
 * time seen. Nothing here knows about the application domain.
 */
package coursepulse.engine;
