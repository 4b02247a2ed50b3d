/**
 * Watched processes: reading status files into views, sampling them for charts, the JSON API, commands, health
 * indicators and Prometheus meters.
 */
package io.parquetry.console.processes;
