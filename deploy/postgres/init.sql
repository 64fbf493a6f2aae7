-- One database and one login role per Lode service (ARCHITECTURE.md: "its own database";
-- a service never reads another service's tables).
--
-- The postgres image runs this once, on an empty data directory, from
-- /docker-entrypoint-initdb.d (docker-compose.yml mounts it there). To apply a change to an
-- existing volume, run it by hand: psql -U postgres -f init.sql (with the variables below set).
--
-- The passwords come from the container's environment (<SERVICE>_DB_PASSWORD, given by
-- docker-compose.yml from .env), read with psql's \getenv: no secret is written in this file.
-- The same passwords are in the services' LODE_DATABASE_URL, so use URL-safe characters
-- (for example `openssl rand -hex 24`).
--
-- Each role owns its database (PostgreSQL 15+: and so its public schema) and may connect to
-- nothing else; the service's migrations create its tables as that role.

\set ON_ERROR_STOP on

\getenv zoning_password ZONING_DB_PASSWORD
\getenv licensing_password LICENSING_DB_PASSWORD
\getenv monitoring_password MONITORING_DB_PASSWORD
\getenv reporting_password REPORTING_DB_PASSWORD

\if :{?zoning_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'ZONING_DB_PASSWORD is not set in the postgres container'; END $$;
\endif
\if :{?licensing_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'LICENSING_DB_PASSWORD is not set in the postgres container'; END $$;
\endif
\if :{?monitoring_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'MONITORING_DB_PASSWORD is not set in the postgres container'; END $$;
\endif
\if :{?reporting_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'REPORTING_DB_PASSWORD is not set in the postgres container'; END $$;
\endif

-- zoning: plan versions, zones and planning blocks
CREATE ROLE zoning LOGIN PASSWORD :'zoning_password';
CREATE DATABASE zoning OWNER zoning ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE zoning FROM PUBLIC;

-- licensing: applications, compliance checks, licences
CREATE ROLE licensing LOGIN PASSWORD :'licensing_password';
CREATE DATABASE licensing OWNER licensing ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE licensing FROM PUBLIC;

-- monitoring: mines, output reports, findings
CREATE ROLE monitoring LOGIN PASSWORD :'monitoring_password';
CREATE DATABASE monitoring OWNER monitoring ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE monitoring FROM PUBLIC;

-- reporting: read models rebuilt from the topics
CREATE ROLE reporting LOGIN PASSWORD :'reporting_password';
CREATE DATABASE reporting OWNER reporting ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE reporting FROM PUBLIC;
