package io.parquetry.console.processes;

import io.parquetry.console.ConsoleProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every watched process, and the console's own samples of them for the charts (lag and throughput over the
 * configured history, one sample per {@code sample-interval}).
 */
@Component
public class ProcessRegistry {

    /** One point of a chart. */
    public record Sample(long atMs, long lagRecords, double rowsPerSecond, double appendsPerSecond, boolean alive) {
    }

    private final ConsoleProperties props;
    private final Map<String, WatchedProcess> processes = new LinkedHashMap<>();
    private final Map<String, Deque<Sample>> history = new LinkedHashMap<>();
    private final int maxSamples;

    public ProcessRegistry(ConsoleProperties props) {
        this.props = props;
        for (ConsoleProperties.Watched w : props.converters()) {
            processes.put(w.id(), new WatchedProcess(w.id(), WatchedProcess.Kind.CONVERTER, w.statusFile()));
        }
        for (ConsoleProperties.Watched w : props.recorders()) {
            processes.put(w.id(), new WatchedProcess(w.id(), WatchedProcess.Kind.RECORDER, w.statusFile()));
        }
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

    public List<ProcessView> views() {
        long now = System.currentTimeMillis();
        List<ProcessView> out = new ArrayList<>();
        for (WatchedProcess p : processes.values()) {
            out.add(p.view(now, staleAfter()));
        }
        return out;
    }

    @Scheduled(fixedRateString = "${parquetry.console.sample-interval:1s}")
    public void sample() {
        long now = System.currentTimeMillis();
        for (WatchedProcess p : processes.values()) {
            p.sample(now);
            ProcessView v = p.view(now, staleAfter());
            synchronized (history) {
                Deque<Sample> d = history.get(p.id());
                d.addLast(new Sample(now, v.lagRecords(), v.rowsPerSecond(), v.appendsPerSecond(), v.alive()));
                while (d.size() > maxSamples) {
                    d.removeFirst();
                }
            }
        }
    }

    public List<Sample> history(String id) {
        synchronized (history) {
            Deque<Sample> d = history.get(id);
            return d == null ? List.of() : new ArrayList<>(d);
        }
    }
}
