/**
 * The ops console: a Spring Boot application that watches converters' and recorders' status files, shows their
 * state on a live dashboard and a JSON API, forwards flush/rotate/pause commands, and exports health and Prometheus
 * metrics. It never touches queue or Parquet files, only status files and the commit logs they point to.
 */
package io.parquetry.console;
