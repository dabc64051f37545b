-- Read-only role for Grafana's PostgreSQL panels. It gets no table here: the sink creates its
-- tables later, and its migration V5 (src/main/resources/coursepulse/sink/migrations) grants this
-- role SELECT on the two the panels query, alerts and sink_positions, and nothing else (the
-- roster holds names and emails, users the password hashes).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
    CREATE ROLE grafana_reader LOGIN PASSWORD 'grafana_reader';
  END IF;
END
$$;
