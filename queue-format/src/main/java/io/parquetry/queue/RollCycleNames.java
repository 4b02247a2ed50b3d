package io.parquetry.queue;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/** Looks a roll cycle up by name across Chronicle's three enums. */
public final class RollCycleNames {

    private RollCycleNames() {
    }

    public static RollCycle resolve(String name) {
        List<String> known = new ArrayList<>();
        for (RollCycle[] values : new RollCycle[][] {RollCycles.values(), LargeRollCycles.values(), SparseRollCycles.values(),
            TestRollCycles.values()}) {
            for (RollCycle r : values) {
                if (((Enum<?>) r).name().equals(name)) {
                    return r;
                }
                known.add(((Enum<?>) r).name());
            }
        }
        throw new IllegalArgumentException("unknown roll cycle: rollCycle=" + name + " (known: " + String.join(", ", known) + ")");
    }
}
