/**
 * The Open University Learning Analytics Dataset (OULAD, Kuzilek et al. 2017, CC BY 4.0) as LMS
 * events: readers for its tables in the dataset's original layout (one {@code studentVle.csv},
 * {@code ?} for missing values) and in the per-presentation layout of {@code shared/oulad}
 * ({@code studentVle/<module>-<presentation>.csv.gz}), a calendar that puts each presentation's
 * relative days on real dates, and {@link coursepulse.lms.oulad.OuladImport}, a deterministic,
 * event-time-ordered feed of schema events for the publisher, streaming the click rows day by day.
 * The mapping is documented in {@code docs/oulad.md}.
 */
package coursepulse.lms.oulad;
