package io.parquetry.console.processes;

import io.parquetry.console.ConsoleProperties;
import io.parquetry.status.CommitLog;
import io.parquetry.status.ConverterControl;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The JSON API behind the dashboard (documented in the README). */
@RestController
@RequestMapping("/api")
class ProcessController {

    private static final int MAX_COMMITS = 500;

    private final ProcessRegistry registry;
    private final ConsoleProperties props;

    ProcessController(ProcessRegistry registry, ConsoleProperties props) {
        this.registry = registry;
        this.props = props;
    }

    /** Unknown ids and bad arguments: 4xx with a message, never a stack trace. */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    /**
     * A recent commit as the detail page shows it: the commit log's entry and the partition its file is in.
     *
     * @param partition the file's {@code key=value} directories, {@code dt=2026-11-21/hour=06}
     */
    record Commit(String file, String partition, long rows, long bytes, long uncompressedBytes, long firstIndex, long lastIndex,
            long committedAt, String cause) {

        static Commit of(CommitLog.Entry e) {
            return new Commit(e.file(), Views.partition(e.file()), e.rows(), e.bytes(), e.uncompressedBytes(), e.firstIndex(), e.lastIndex(),
                    e.committedAt(), e.cause());
        }
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<Map<String, Object>> notFound(NotFound e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, Object>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    @GetMapping("/processes")
    List<ProcessView> processes() {
        return registry.views();
    }

    @GetMapping("/session")
    Map<String, Object> session(Authentication auth) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean configured = props.security().configured();
        m.put("controlsEnabled", configured);
        m.put("authenticated", auth != null && auth.isAuthenticated() && !"anonymousUser".equals(auth.getName()));
        m.put("user", auth == null ? null : auth.getName());
        m.put("reason", configured ? "" : "controls are disabled: no credentials are configured (set parquetry.console.security.username"
                + " and password-hash, or PARQUETRY_CONSOLE_SECURITY_PASSWORD)");
        m.put("serverTimeMs", System.currentTimeMillis());
        return m;
    }

    @GetMapping("/processes/{id}")
    Map<String, Object> detail(@PathVariable String id, @RequestParam(defaultValue = "50") int commits) {
        WatchedProcess p = find(id);
        if (commits < 0 || commits > MAX_COMMITS) {
            throw new IllegalArgumentException("commits must be 0.." + MAX_COMMITS + ": commits=" + commits);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        ProcessView v = registry.view(p, System.currentTimeMillis());
        m.put("process", v);
        String logText = v.converter() == null ? "" : commitLogOf(p);
        Path log = logText.isEmpty() ? null : Path.of(logText);
        m.put("commitLog", log == null ? null : log.toString());
        CommitLog.Recent recent;
        String logError = null;
        try {
            recent = log == null ? new CommitLog.Recent(List.of(), 0) : CommitLog.recent(log, commits);
        } catch (UncheckedIOException e) {
            recent = new CommitLog.Recent(List.of(), 0);
            logError = e.getMessage();
        }
        // Jackson writes the records: a torn log line is skipped by CommitLog (and counted), never half-written here.
        m.put("recentCommits", recent.entries().stream().map(Commit::of).toList());
        m.put("commitLogLinesSkipped", recent.skippedLines());
        m.put("commitLogError", logError);
        return m;
    }

    private static String commitLogOf(WatchedProcess p) {
        WatchedProcess.Reading r = p.read();
        return r.ok() ? r.snapshot().text(io.parquetry.status.ConverterStatusDescriptor.TEXT_COMMIT_LOG) : "";
    }

    @GetMapping("/processes/{id}/history")
    List<ProcessRegistry.Sample> history(@PathVariable String id) {
        find(id);
        return registry.history(id);
    }

    @PostMapping("/converters/{id}/{command}")
    ResponseEntity<Map<String, Object>> command(@PathVariable String id, @PathVariable String command) {
        WatchedProcess p = find(id);
        if (p.kind() != WatchedProcess.Kind.CONVERTER) {
            throw new IllegalArgumentException("commands go to converters only: id=" + id + " is a recorder");
        }
        if (!List.of("flush", "rotate", "pause", "resume").contains(command)) {
            throw new NotFound("unknown command: command=" + command + " (flush, rotate, pause, resume)");
        }
        ProcessView v = registry.view(p, System.currentTimeMillis());
        if (v.error() != null) {
            return outcome(HttpStatus.CONFLICT, new ConverterControl.Outcome(false, null, "cannot control converter " + id + ": " + v.error()));
        }
        if (!v.alive()) {
            return outcome(HttpStatus.CONFLICT, new ConverterControl.Outcome(false, null, "converter is not running: id=" + id));
        }
        Duration timeout = props.commandTimeout();
        ConverterControl.Outcome o;
        try (ConverterControl c = p.control(registry.staleAfter())) {
            o = switch (command) {
                case "flush" -> c.flush(timeout);
                case "rotate" -> c.rotate(timeout);
                case "pause" -> c.pause(timeout);
                default -> c.resume(timeout);
            };
        } catch (IllegalStateException | UncheckedIOException e) {
            // The file changed under us (replaced by another kind's, or removed): this converter's problem, said plainly.
            return outcome(HttpStatus.CONFLICT, new ConverterControl.Outcome(false, null, "cannot control converter " + id + ": " + e.getMessage()));
        }
        return outcome(o.ok() ? HttpStatus.OK : HttpStatus.GATEWAY_TIMEOUT, o);
    }

    private static ResponseEntity<Map<String, Object>> outcome(HttpStatus status, ConverterControl.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", o.ok());
        m.put("file", o.file());
        m.put("message", o.message());
        return ResponseEntity.status(status).body(m);
    }

    private WatchedProcess find(String id) {
        if (id.length() > 64) {
            throw new IllegalArgumentException("id longer than 64 characters");
        }
        return registry.find(id).orElseThrow(() -> new NotFound("no watched process with id: id=" + id));
    }
}
