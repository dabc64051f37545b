/**
 * The product's LMS event schema (version 1, documented in {@code docs/events.md}): discrete
 * events in the spirit of Canvas Live Events and IMS Caliper, the names of the streams that carry
 * them, and the JSON codec with its validation.
 */
package coursepulse.lms.event;
