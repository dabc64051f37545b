/**
 * An in-process {@link coursepulse.engine.log.StreamLog}, {@link
 * coursepulse.io.embedded.EmbeddedStreamLog}, with the semantics of RabbitMQ Streams (dense
 * offsets, timestamp lookup, named-consumer offsets, producer deduplication, retention), held in
 * memory or kept in append-only, checksummed segment files, so that a restart keeps its data and
 * streams may be larger than the heap. Used by fast tests, the test driver and the {@code demo} command. Only {@code
 * EmbeddedStreamLog} is public; the rest is internal and may change.
 */
package coursepulse.io.embedded;
