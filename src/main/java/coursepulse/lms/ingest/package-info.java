/**
 * Real LMS input: an HTTP endpoint that accepts IMS Caliper 1.1/1.2 envelopes and Canvas Live
 * Events, maps each source event to the product's schema v1 ({@code coursepulse.lms.event}) in one
 * mapper per source, and appends the result to {@code 01-Enrollment}, {@code 02-Login} and {@code
 * 03-Activity} with broker-confirmed, deduplicated appends; refused events go to {@code ingest-dlq}
 * with their reason. The mapping table, the HTTP contract and the delivery guarantee are documented
 * in {@code docs/ingest.md}.
 */
package coursepulse.lms.ingest;
