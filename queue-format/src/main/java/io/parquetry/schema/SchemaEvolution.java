package io.parquetry.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which changes a schema may make from one version to the next on the same queue, and each field's id across versions
 * (docs/FORMAT.md §2.1).
 *
 * <p>A field of the new version is the field of the newest stored version with its name, else the one its {@code was:}
 * names; it keeps that field's id. A field that is neither is added: it gets the id it had if a field of that name and
 * type was dropped before (it comes back), else a new one. Compatible, field by field: add a field that is nullable or has
 * a {@code default}; drop a field; make a required field nullable; widen its type as Apache Iceberg allows (int8 → int16 →
 * int32 → int64, float32 → float64, decimal(p,s) → decimal(q,s) with q &gt; p) or grow the bound of {@code char(N)},
 * {@code string(N)} or {@code binary(N)}; rename it with {@code was:}; reorder fields; edit descriptions and
 * {@code overflow}. Everything else is refused, each change named.
 */
public final class SchemaEvolution {

    private SchemaEvolution() {
    }

    /**
     * The incompatible changes from {@code history} (every stored version, oldest first, with their ids) to {@code next};
     * empty when {@code next} may follow the newest.
     */
    public static List<String> incompatibleChanges(List<Schema> history, Schema next) {
        Schema newest = history.get(history.size() - 1);
        List<String> problems = new ArrayList<>();
        Map<Field, Field> matched = match(newest, next, problems);
        for (Field n : next.fields()) {
            Field p = matched.get(n);
            if (p == null) {
                Field dropped = dropped(history, n.name());
                if (dropped != null && !dropped.type().equals(n.type())) {
                    problems.add("field " + n.name() + ": reuses the name of a field dropped after " + versionHolding(history, dropped) + " with type "
                            + dropped.type() + ", now " + n.type());
                } else if (!n.nullable() && n.defaultValue() == null) {
                    problems.add("field " + n.name() + ": added as required without a default (make it nullable or give it a default)");
                }
                continue;
            }
            String what = "field " + n.name() + (p.name().equals(n.name()) ? "" : " (was " + p.name() + ")");
            if (p.nullable() && !n.nullable()) {
                problems.add(what + ": nullable made required");
            }
            if (!p.type().equals(n.type()) && !widens(p.type(), n.type())) {
                problems.add(what + ": type " + p.type() + " changed to " + n.type() + ", which is not a widening");
            }
        }
        return problems;
    }

    /**
     * The ids of {@code next}'s fields, declaration order, following {@code history} (every stored version, oldest first,
     * with their ids): a kept or renamed field keeps its id, a returning one gets its old id back, a new one the next id
     * after every id given so far and after {@link Schema#hourColumnId()} (the table's partition columns).
     */
    public static int[] ids(List<Schema> history, Schema next) {
        Schema newest = history.get(history.size() - 1);
        Map<Field, Field> matched = match(newest, next, new ArrayList<>());
        int top = newest.hourColumnId();
        for (Schema s : history) {
            for (Field f : s.fields()) {
                top = Math.max(top, f.id());
            }
        }
        int[] ids = new int[next.fields().size()];
        for (Field n : next.fields()) {
            Field p = matched.get(n);
            if (p == null) {
                p = dropped(history, n.name());
                p = p != null && p.type().equals(n.type()) ? p : null;
            }
            ids[n.index()] = p != null ? p.id() : ++top;
        }
        return ids;
    }

    /** Each field of {@code next} that is a field of {@code newest}, by name or by {@code was:}; names misuses of was. */
    private static Map<Field, Field> match(Schema newest, Schema next, List<String> problems) {
        Map<String, Field> byName = new HashMap<>();
        for (Field f : newest.fields()) {
            byName.put(f.name().toLowerCase(Locale.ROOT), f);
        }
        Map<Field, Field> matched = new HashMap<>();
        Map<Field, Field> claimedBy = new HashMap<>();
        // Names first: a field that kept its name is that field wherever it is declared, so a was: naming it is the misuse.
        for (Field n : next.fields()) {
            Field p = byName.get(n.name().toLowerCase(Locale.ROOT));
            if (p != null) {
                claimedBy.put(p, n);
                matched.put(n, p);
            }
        }
        for (Field n : next.fields()) {
            if (matched.containsKey(n) || n.was() == null) {
                continue;
            }
            Field p = byName.get(n.was().toLowerCase(Locale.ROOT));
            if (p == null) {
                problems.add("field " + n.name() + ": was " + n.was() + ", but " + newest.name() + " v" + newest.version() + " has no field "
                        + n.was());
                continue;
            }
            Field other = claimedBy.putIfAbsent(p, n);
            if (other != null) {
                problems.add("field " + n.name() + ": was " + p.name() + ", which is still field " + other.name());
                continue;
            }
            matched.put(n, p);
        }
        return matched;
    }

    /** The newest field named {@code name} in versions before the newest, when the newest has no such field. */
    private static Field dropped(List<Schema> history, String name) {
        Schema newest = history.get(history.size() - 1);
        for (Field f : newest.fields()) {
            if (f.name().equalsIgnoreCase(name)) {
                return null;
            }
        }
        for (int i = history.size() - 2; i >= 0; i--) {
            for (Field f : history.get(i).fields()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
        }
        return null;
    }

    private static String versionHolding(List<Schema> history, Field f) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).fields().contains(f)) {
                return "v" + history.get(i).version();
            }
        }
        return "an earlier version";
    }

    /** True when every value of {@code from} is a value of {@code to}, as Iceberg's type promotion allows. */
    public static boolean widens(FieldType from, FieldType to) {
        FieldType.Kind a = from.kind();
        FieldType.Kind b = to.kind();
        switch (a) {
            case INT8:
                return b == FieldType.Kind.INT16 || b == FieldType.Kind.INT32 || b == FieldType.Kind.INT64;
            case INT16:
                return b == FieldType.Kind.INT32 || b == FieldType.Kind.INT64;
            case INT32:
                return b == FieldType.Kind.INT64;
            case FLOAT32:
                return b == FieldType.Kind.FLOAT64;
            case DECIMAL:
                return b == FieldType.Kind.DECIMAL && to.scale() == from.scale() && to.precision() >= from.precision();
            case CHAR:
            case STRING:
            case BINARY:
                return b == a && to.maxLength() >= from.maxLength();
            default:
                return from.equals(to);
        }
    }
}
