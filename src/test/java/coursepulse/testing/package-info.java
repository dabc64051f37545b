/**
 * Test support shared by the integration tests of every package: {@link
 * coursepulse.testing.RabbitMqExtension} gives a test class a fresh RabbitMQ virtual host (skipped
 * with one loud line when no broker answers, failed when {@code CI=true}). Test code only.
 */
package coursepulse.testing;
