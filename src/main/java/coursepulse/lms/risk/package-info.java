/**
 * The alerting application: a roster of enrolments, per-student and per-student-course activity
 * state, the rules that turn silence and missed work into alerts ({@link
 * coursepulse.lms.risk.Rule}), the {@code 04-Alerts} record and its codec, metrics, a terminal
 * formatter, and the offline {@link coursepulse.lms.risk.Evaluation} of alert quality against the
 * simulator's ground truth. All rule decisions use event time only, so a replay of the same input
 * gives byte-identical alerts.
 */
package coursepulse.lms.risk;
