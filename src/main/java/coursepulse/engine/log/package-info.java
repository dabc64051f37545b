/**
 * The port through which the engine, the producer and the tools reach an append-only log: streams
 * with dense offsets starting at 0, appends deduplicated by producer name and publishing id, reads
 * from an {@link coursepulse.engine.log.OffsetSpec}, and named-consumer offsets stored beside the
 * data. The engine owns this interface; {@code coursepulse.io.rabbit} implements it on RabbitMQ
 * Streams and {@code coursepulse.io.embedded} in process.
 */
package coursepulse.engine.log;
