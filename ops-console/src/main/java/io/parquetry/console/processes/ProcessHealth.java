package io.parquetry.console.processes;

import io.parquetry.console.ConsoleProperties;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health/processes}: one indicator per watched process. DOWN when its heartbeat is stale or its status
 * file cannot be read (the reason in the details); LAGGING (served as 200, ordered between OUT_OF_SERVICE and UP) when
 * a running converter has not caught up with its queue's head for longer than {@code lag-warn}; OUT_OF_SERVICE (503)
 * when a recorder's disk guard refuses appends or a converter retries a failing output. Neither liveness nor
 * readiness includes it: whether the console can serve does not depend on the processes it watches, and a load
 * balancer must not take the console away exactly when a converter is down.
 */
@Component("processes")
class ProcessHealth implements CompositeHealthContributor {

    static final Status LAGGING = new Status("LAGGING", "converter has not caught up with its queue for longer than lag-warn");

    private final Map<String, HealthContributor> indicators = new LinkedHashMap<>();

    ProcessHealth(ProcessRegistry registry, ConsoleProperties props) {
        for (WatchedProcess p : registry.all()) {
            indicators.put(p.id(), new Indicator(registry, p, props));
        }
    }

    /** One process's health; a failure while checking it is its DOWN, with the error, never the others'. */
    private static final class Indicator extends AbstractHealthIndicator {

        private final ProcessRegistry registry;
        private final WatchedProcess p;
        private final ConsoleProperties props;

        Indicator(ProcessRegistry registry, WatchedProcess p, ConsoleProperties props) {
            super("watched process health check failed");
            this.registry = registry;
            this.p = p;
            this.props = props;
        }

        @Override
        protected void doHealthCheck(Health.Builder b) {
            ProcessView v = registry.view(p, System.currentTimeMillis());
            b.status(switch (v.health()) {
                case "up" -> Status.UP;
                case "lagging" -> LAGGING;
                case "out_of_service" -> Status.OUT_OF_SERVICE;
                default -> Status.DOWN;
            });
            b.withDetail("kind", v.kind()).withDetail("state", v.state()).withDetail("statusFile", v.statusFile());
            if (v.error() != null) {
                b.withDetail("error", v.error());
                return;
            }
            b.withDetail("heartbeatAgeMs", v.heartbeatAgeMs() == null ? "none (stopped cleanly)" : v.heartbeatAgeMs());
            if (v.converter() != null) {
                ProcessView.ConverterFields c = v.converter();
                b.withDetail("lagRecords", c.lagRecords() == null ? "unknown" : c.lagRecords()).withDetail("lagQuality", c.lagQuality())
                        .withDetail("unreadRecords", c.unreadRecords() == null ? "unknown" : c.unreadRecords())
                        .withDetail("uncommittedRecords", c.uncommittedRecords() == null ? "unknown" : c.uncommittedRecords())
                        .withDetail("lagSeconds", c.lagSeconds() == null ? "unknown" : c.lagSeconds())
                        .withDetail("lagWarnSeconds", props.lagWarn().toMillis() / 1000.0).withDetail("errors", c.errors());
                if (!c.lagNote().isEmpty()) {
                    b.withDetail("lagNote", c.lagNote());
                }
                if (c.outputFailures() > 0) {
                    b.withDetail("outputFailures", c.outputFailures()).withDetail("nextRetryAtMs", c.nextRetryAtMs());
                }
            } else if (v.recorder() != null) {
                ProcessView.RecorderFields r = v.recorder();
                b.withDetail("refusedDiskGuard", r.refusedDiskGuard()).withDetail("diskGuardTripped", r.diskGuardTripped())
                        .withDetail("freeBytes", r.freeBytes());
                if (r.diskGuardTripped() && v.alive()) {
                    b.withDetail("reason", "disk guard tripped: appends refused until disk space returns");
                }
            }
            if (!v.lastError().isEmpty()) {
                b.withDetail("lastError", v.lastError());
            }
        }
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return indicators.entrySet().stream().map(e -> NamedContributor.of(e.getKey(), e.getValue())).iterator();
    }
}
