/**
 * Fault and hostile-input tests of the real commands against RabbitMQ: processor and producer
 * crashes (SIGKILL), corrupted checkpoints, a broker restart, backpressure with a small heap, a
 * 100,000-message fuzz, and security basics. Each compares with one uninterrupted {@code
 * Reference} run; figures and the guarantees they prove are in {@code docs/reliability.md}.
 */
package coursepulse.reliability;
