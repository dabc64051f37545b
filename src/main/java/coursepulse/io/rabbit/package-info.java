/**
 * The {@link coursepulse.engine.log.StreamLog} port on RabbitMQ Streams, over the {@code
 * com.rabbitmq:stream-client} library: {@link coursepulse.io.rabbit.RabbitStreamLog} (opened from a
 * {@code rabbitmq-stream://} URI through {@link coursepulse.io.rabbit.RabbitSettings}) and {@link
 * coursepulse.io.rabbit.RabbitBench}, which measures it against the raw client. This is the only
 * package that imports {@code com.rabbitmq.stream}; everything else sees the port. Works on
 * RabbitMQ 3.10 (Debian bookworm's package) and newer: features that need 3.11 or newer are
 * detected from the broker version and either fall back or fail with {@link
 * coursepulse.engine.log.UnsupportedByLogException}.
 */
package coursepulse.io.rabbit;
