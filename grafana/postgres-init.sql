-- Read-only role for Grafana's PostgreSQL panels. The sink creates its tables later, so the grant
-- is a default privilege on what the coursepulse role creates.
CREATE ROLE grafana_reader LOGIN PASSWORD 'grafana_reader';
ALTER DEFAULT PRIVILEGES FOR ROLE coursepulse IN SCHEMA public GRANT SELECT ON TABLES TO grafana_reader;
