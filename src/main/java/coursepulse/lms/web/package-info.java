/**
 * The instructors' web pages ({@code coursepulse web}): my courses, a course's students who need
 * attention with the reasons, a student's history, and triage (acknowledge, snooze, contact,
 * dismiss) kept as an append-only audit log, all on the PostgreSQL database the sink fills.
 * Server-rendered with Javalin and precompiled jte templates. Accounts, sessions, CSRF tokens and
 * login rate limiting live here too. Names are shown only to the instructors of the course and are
 * never logged above DEBUG.
 */
package coursepulse.lms.web;
