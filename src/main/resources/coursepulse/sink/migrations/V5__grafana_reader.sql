-- V5: Grafana's read-only role (grafana_reader, created by grafana/postgres-init.sql) reads only
-- what the dashboard's PostgreSQL panels query: alerts and sink_positions. Never the roster's
-- names and emails, the accounts' password hashes or the triage notes. Before V5 the init script
-- granted it SELECT on every table the sink's role creates (a default privilege): taken back here,
-- for the tables of this schema and for those later migrations create. Nothing when the role does
-- not exist (a database without Grafana). Never edit after release: add V6.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON TABLES FROM grafana_reader',
                   current_schema());
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM grafana_reader', current_schema());
    GRANT SELECT ON alerts, sink_positions TO grafana_reader;
  END IF;
END
$$;
