/**
 * Materializes {@code 04-Alerts} into PostgreSQL so a dashboard can say which students are at risk
 * (Prometheus only holds counts): {@link coursepulse.lms.sink.AlertSink} reads the stream and keeps
 * the table {@code alerts} (one row per alert, {@code resolved_at} null while open) and its own
 * stream position in the same database, written in the same transaction, so a crash neither skips
 * nor repeats a record. The schema is created and migrated by the sink (numbered SQL files under
 * {@code coursepulse/sink/migrations}, each applied once, recorded in {@code schema_migrations}).
 */
package coursepulse.lms.sink;
