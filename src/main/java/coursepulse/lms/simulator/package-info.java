/**
 * A synthetic LMS: a behaviour model of students in term-long courses, calibrated on the Open
 * University Learning Analytics Dataset, that streams realistic events in event-time order, writes
 * the ground truth of who disengaged and when, and publishes to the product's input streams with
 * deduplicating publishing ids so that a restarted producer resumes without duplicates. See {@code
 * docs/simulator.md}.
 */
package coursepulse.lms.simulator;
