/**
 * Alert and risk-score quality measured against what students really did: {@link
 * coursepulse.lms.quality.OutcomeEvaluation} joins enrolments ({@code 01-Enrollment}), alert
 * openings ({@code 04-Alerts}), risk scores ({@code 05-Risk}) and optionally raw activity with the
 * outcomes file, per student-course pair, and computes the figures of {@code evaluate --outcomes}
 * (catch rates, lead times, precision, recall, MCC, cumulative by course week, per rule, ROC AUC)
 * and the targets table. Pure computation over records handed to it: the {@code cli} reads the
 * streams. Definitions: {@code docs/quality.md}.
 */
package coursepulse.lms.quality;
