/**
 * Benchmarks: JMH for throughput and allocation, HdrHistogram harnesses for latency at a fixed offered rate, and the
 * end-to-end conversion benchmark. Each measures its anchor (raw Chronicle, DuckDB) in the same run and reports ratios.
 */
package io.parquetry.benchmarks;
