/**
 * Email to instructors ({@code coursepulse notify}): an immediate message per high-severity alert
 * of their courses and a daily digest in their time zone, sent exactly once per (recipient, alert)
 * and (recipient, digest day) through an outbox table in the sink's database, with one-click
 * unsubscribe by signed link. Internal, may change.
 */
package coursepulse.lms.notify;
