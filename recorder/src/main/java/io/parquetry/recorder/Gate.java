package io.parquetry.recorder;

/**
 * What a writer asks before it begins a record, and nothing else: whether the recorder is closed, whether the disk guard
 * is tripped, and whether what is reserved ahead of the writers admits one more record. The recorder closes it, the
 * housekeeping thread and the reserving thread trip the guard, the reserving thread publishes the reservations; writers
 * only read it (three volatile reads on the hot path, as before it had a class of its own).
 */
final class Gate {

    /** The cycle files reserved ahead of the writers, published whole by the reserving thread. */
    static final class Window {
        static final Window NONE = new Window(new CycleReservation[0], Long.MAX_VALUE / 4);

        final CycleReservation[] cycles;
        final long margin;

        Window(CycleReservation[] cycles, long margin) {
            this.cycles = cycles;
            this.margin = margin;
        }

        boolean admits() {
            CycleReservation[] c = cycles;
            if (c.length == 0) {
                return false;
            }
            for (int i = 0; i < c.length; i++) {
                if (!c[i].admits(margin)) {
                    return false;
                }
            }
            return true;
        }
    }

    private volatile boolean closed;
    private volatile boolean diskGuardTripped;
    private volatile Window window = Window.NONE;

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
    }

    boolean diskGuardTripped() {
        return diskGuardTripped;
    }

    void diskGuardTripped(boolean tripped) {
        diskGuardTripped = tripped;
    }

    /** True when every held reservation has room for one more record per writer beyond its write position. */
    boolean admits() {
        return window.admits();
    }

    void window(Window w) {
        window = w;
    }
}
