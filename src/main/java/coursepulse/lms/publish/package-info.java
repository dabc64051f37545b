/**
 * Publishing a deterministic, event-time-ordered feed of LMS events to the product's input streams
 * ({@code 01-Enrollment}, {@code 02-Login}, {@code 03-Activity}) with a stable producer name and
 * the event's position in its stream as publishing id, so that a publisher restarted on the same
 * feed resumes after the last stored event without duplicates; or writing the feed as lines
 * instead. Shared by the simulator and the OULAD importer, each of which supplies an {@link
 * coursepulse.lms.publish.EventSource}.
 */
package coursepulse.lms.publish;
