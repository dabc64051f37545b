/**
 * What really became of each student in each course (pass, distinction, fail, withdrawn and when):
 * the ground truth that alert quality on real data is measured against. Written by {@code import
 * oulad --outcomes}, read by {@code evaluate --outcomes} and {@code train}.
 */
package coursepulse.lms.outcome;
