package io.parquetry.console.processes;

import io.parquetry.console.ConsoleProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every watched process, its current view, and the console's own samples of it for the charts (lag and throughput
 * over the configured history, one sample per {@code sample-interval}). One process whose status file cannot be read
 * is that process's error view; it never stops the others from being read, sampled, checked or exported.
 */
@Component
public class ProcessRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRegistry.class);

    /**
     * One point of a chart. Lag fields are null when unknown.
     *
     * @param lagExact false when {@code lagRecords} is a lower bound (or unknown)
     */
    public record Sample(long atMs, boolean alive, Long lagRecords, boolean lagExact, Long unreadRecords, Long uncommittedRecords,
            Double lagSeconds, Double rowsPerSecond, Double megabytesPerSecond, Double appendsPerSecond) {
    }

    private final ConsoleProperties props;
    private final Map<String, WatchedProcess> processes = new LinkedHashMap<>();
    private final Map<String, String> linkedRecorders = new HashMap<>();
    private final QueueHeads heads;
    private final Map<String, Deque<Sample>> history = new LinkedHashMap<>();
    private final Map<String, String> lastProblem = new HashMap<>();
    private final int maxSamples;

    public ProcessRegistry(ConsoleProperties props) {
        this.props = props;
        Map<String, WatchedProcess> recorders = new LinkedHashMap<>();
        for (ConsoleProperties.Converter c : props.converters()) {
            processes.put(c.id(), new WatchedProcess(c.id(), WatchedProcess.Kind.CONVERTER, c.statusFile(), props.rateWindow()));
            linkedRecorders.put(c.id(), c.recorder());
        }
        for (ConsoleProperties.Recorder r : props.recorders()) {
            WatchedProcess w = new WatchedProcess(r.id(), WatchedProcess.Kind.RECORDER, r.statusFile(), props.rateWindow());
            processes.put(r.id(), w);
            recorders.put(r.id(), w);
        }
        this.heads = new QueueHeads(recorders, props.rateWindow());
        for (String id : processes.keySet()) {
            history.put(id, new ArrayDeque<>());
        }
        this.maxSamples = (int) Math.max(2, props.history().toMillis() / Math.max(1, props.sampleInterval().toMillis()));
    }

    Collection<WatchedProcess> all() {
        return processes.values();
    }

    Optional<WatchedProcess> find(String id) {
        return Optional.ofNullable(processes.get(id));
    }

    Duration staleAfter() {
        return props.staleAfter();
    }

    /** The view of one process now. Never throws: a failure to read is the view's error. */
    ProcessView view(WatchedProcess p, long nowMs) {
        WatchedProcess.Reading r = p.read();
        if (!r.ok()) {
            return Views.unreadable(p.id(), p.kind(), p.statusFile(), r);
        }
        try {
            if (p.kind() == WatchedProcess.Kind.CONVERTER) {
                return Views.converter(p.id(), p.statusFile(), r.snapshot(), nowMs, props.staleAfter(), props.lagWarn(),
                        heads.heads(linkedRecorders.get(p.id()), r.snapshot(), nowMs, props.staleAfter()), p.rates());
            }
            return Views.recorder(p.id(), p.statusFile(), r.snapshot(), nowMs, props.staleAfter(), p.rates());
        } catch (RuntimeException e) {
            // A status file that maps but holds nonsense: this process's problem (the sampler logs it once).
            LOG.debug("watched process {}", p.id(), e);
            return Views.unreadable(p.id(), p.kind(), p.statusFile(), new WatchedProcess.Reading(null, false,
                    "cannot make sense of the status file: " + e + ": path=" + p.statusFile()));
        }
    }

    public List<ProcessView> views() {
        long now = System.currentTimeMillis();
        List<ProcessView> out = new ArrayList<>();
        for (WatchedProcess p : processes.values()) {
            out.add(view(p, now));
        }
        return out;
    }

    @Scheduled(fixedRateString = "${parquetry.console.sample-interval:1s}")
    public void sample() {
        long now = System.currentTimeMillis();
        for (WatchedProcess p : processes.values()) {
            try {
                WatchedProcess.Reading r = p.read();
                if (r.ok()) {
                    Views.sample(p.kind(), r.snapshot(), now, p.rates());
                }
                ProcessView v = view(p, now);
                problem(p.id(), v.error());
                Sample s;
                if (v.converter() != null) {
                    ProcessView.ConverterFields c = v.converter();
                    boolean rates = !v.alive() || p.rates().known(Views.READ); // a rate needs two samples; a stopped process has 0
                    s = new Sample(now, v.alive(), c.lagRecords(), "exact".equals(c.lagQuality()), c.unreadRecords(), c.uncommittedRecords(),
                            c.lagSeconds(), rates ? c.rowsPerSecond() : null, rates ? c.megabytesPerSecond() : null, null);
                } else {
                    boolean rates = v.recorder() != null && (!v.alive() || p.rates().known(Views.APPENDED));
                    s = new Sample(now, v.alive(), null, false, null, null, null, null, null, rates ? v.recorder().appendsPerSecond() : null);
                }
                synchronized (history) {
                    Deque<Sample> d = history.get(p.id());
                    d.addLast(s);
                    while (d.size() > maxSamples) {
                        d.removeFirst();
                    }
                }
            } catch (RuntimeException e) {
                problem(p.id(), String.valueOf(e));
                LOG.debug("watched process {}", p.id(), e);
            }
        }
    }

    /**
     * Logs a process's problem once, and again only when it changes or clears: never a line, let alone a trace, every
     * sample.
     *
     * @param message the problem, or null when there is none (any more)
     */
    private void problem(String id, String message) {
        String before;
        synchronized (lastProblem) {
            before = message == null ? lastProblem.remove(id) : lastProblem.put(id, message);
        }
        if (message != null && !message.equals(before)) {
            LOG.warn("watched process {}: {}", id, message);
        } else if (message == null && before != null) {
            LOG.info("watched process {}: its status file can be read again", id);
        }
    }

    public List<Sample> history(String id) {
        synchronized (history) {
            Deque<Sample> d = history.get(id);
            return d == null ? List.of() : new ArrayList<>(d);
        }
    }
}
