/**
 * Implementation of the DSL ({@code StreamsBuilder}, {@code KStream}, {@code KTable} and friends):
 * each DSL call adds processors and stores to a {@code Topology} of the Processor API; the
 * aggregation, windowing, suppression and join processors follow Kafka Streams' semantics with
 * record caching disabled. Internal, may change.
 */
package coursepulse.engine.internal.dsl;
