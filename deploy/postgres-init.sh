#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
# a role for Temporal (it creates its own two databases) and one for duban, owning its database.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${APP_PASSWORD}';
CREATE ROLE duban LOGIN PASSWORD '${APP_PASSWORD}';
CREATE DATABASE duban OWNER duban;
SQL
