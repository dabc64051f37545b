/**
 * Test support shared by the integration tests of every package: {@link
 * coursepulse.testing.RabbitMqExtension} gives a test class a fresh RabbitMQ virtual host and
 * {@link coursepulse.testing.PostgresExtension} a fresh PostgreSQL database per test (both skipped
 * with one loud line when their server does not answer, failed when {@code CI=true}). Test code
 * only.
 */
package coursepulse.testing;
