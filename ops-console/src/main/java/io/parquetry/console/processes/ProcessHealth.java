package io.parquetry.console.processes;

import io.parquetry.console.ConsoleProperties;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health/processes}: one indicator per watched process. DOWN when its heartbeat is stale; LAGGING
 * (served as 200, ordered between DOWN and UP) when a converter is more than {@code lag-warn-records} behind;
 * OUT_OF_SERVICE (503) when a recorder's disk guard is refusing appends. The
 * liveness group does not include it: the console is alive whether or not converters are.
 */
@Component("processes")
class ProcessHealth implements CompositeHealthContributor {

    static final Status LAGGING = new Status("LAGGING", "converter is behind by more than the configured threshold");

    private final Map<String, HealthIndicator> indicators = new LinkedHashMap<>();

    ProcessHealth(ProcessRegistry registry, ConsoleProperties props) {
        for (WatchedProcess p : registry.all()) {
            indicators.put(p.id(), () -> {
                ProcessView v = p.view(System.currentTimeMillis(), registry.staleAfter());
                Health.Builder b = v.alive() ? Health.up() : Health.down();
                b.withDetail("kind", v.kind()).withDetail("state", v.state()).withDetail("statusFile", v.statusFile())
                        .withDetail("heartbeatAgeMs", v.heartbeatAgeMs());
                if (v.kind().equals("converter")) {
                    b.withDetail("lagRecords", v.lagRecords()).withDetail("lagMs", v.lagMs()).withDetail("errors", v.errors());
                    if (v.alive() && v.lagRecords() > props.lagWarnRecords()) {
                        b.status(LAGGING).withDetail("lagWarnRecords", props.lagWarnRecords());
                    }
                } else {
                    b.withDetail("refusedDiskGuard", v.refusedDiskGuard()).withDetail("diskGuardTripped", v.diskGuardTripped())
                            .withDetail("freeBytes", v.freeBytes());
                    if (v.alive() && v.diskGuardTripped()) {
                        // Appends are being refused: data is being turned away, which is worse than a lag.
                        b.status(Status.OUT_OF_SERVICE).withDetail("reason", "disk guard tripped: appends refused until disk space returns");
                    }
                }
                if (!v.lastError().isEmpty()) {
                    b.withDetail("lastError", v.lastError());
                }
                return b.build();
            });
        }
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return indicators.entrySet().stream().map(e -> NamedContributor.of(e.getKey(), (HealthContributor) e.getValue())).iterator();
    }
}
