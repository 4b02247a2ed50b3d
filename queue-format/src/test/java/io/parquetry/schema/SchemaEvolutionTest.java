package io.parquetry.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which schema changes may follow one another on a queue, and the ids fields keep across them (docs/FORMAT.md §2.1): one
 * test per kind of compatible change, one per refused change with its exact problem text.
 */
class SchemaEvolutionTest {

    /** Three fields: ids 1..3, and the table's dt and hour columns take 4 and 5, so a new field's id starts at 6. */
    static final Schema V1 = v(1, """
              - {name: seq, type: int64}
              - {name: px, type: int32}
              - {name: name, type: char(8)}
            """);

    static Schema v(int version, String fields) {
        return Schema.parse("name: t\nversion: " + version + "\nfields:\n" + fields, "v" + version);
    }

    /** {@code next} with the ids a queue whose history is {@code history} gives it, as the queue's history holds it. */
    static Schema withIds(List<Schema> history, Schema next) {
        return next.withFieldIds(SchemaEvolution.ids(history, next), history.get(0).fields().size());
    }

    /** A history of {@code versions}, each after the first numbered as a queue numbers it. */
    static List<Schema> history(Schema... versions) {
        List<Schema> h = new ArrayList<>();
        h.add(versions[0]);
        for (int i = 1; i < versions.length; i++) {
            assertThat(SchemaEvolution.incompatibleChanges(h, versions[i])).as("v%d follows", versions[i].version()).isEmpty();
            h.add(withIds(h, versions[i]));
        }
        return h;
    }

    private static void assertCompatible(List<Schema> history, Schema next, int... ids) {
        assertThat(SchemaEvolution.incompatibleChanges(history, next)).isEmpty();
        assertThat(SchemaEvolution.ids(history, next)).containsExactly(ids);
    }

    private static void assertRefused(List<Schema> history, Schema next, String... problems) {
        assertThat(SchemaEvolution.incompatibleChanges(history, next)).containsExactly(problems);
    }

    // --- compatible changes -------------------------------------------------------------------------------------------

    @Test
    void addingANullableFieldTakesTheIdAfterThePartitionColumns() {
        Schema v2 = v(2, """
                  - {name: seq, type: int64}
                  - {name: px, type: int32}
                  - {name: name, type: char(8)}
                  - {name: venue, type: string(16), nullable: true}
                """);
        assertCompatible(List.of(V1), v2, 1, 2, 3, 6);
        assertThat(V1.hourColumnId()).isEqualTo(5);
        assertThat(withIds(List.of(V1), v2).hourColumnId()).as("partition columns keep the first version's ids").isEqualTo(5);
    }

    @Test
    void addingARequiredFieldWithADefaultIsCompatible() {
        Schema v2 = v(2, """
                  - {name: seq, type: int64}
                  - {name: qty, type: int32, default: 7}
                  - {name: px, type: int32}
                  - {name: name, type: char(8)}
                """);
        assertCompatible(List.of(V1), v2, 1, 6, 2, 3);
    }

    @Test
    void droppingAFieldKeepsTheOthersIds() {
        Schema v2 = v(2, """
                  - {name: seq, type: int64}
                  - {name: name, type: char(8)}
                """);
        assertCompatible(List.of(V1), v2, 1, 3);
    }

    @Test
    void makingARequiredFieldNullableIsCompatible() {
        Schema v2 = v(2, """
                  - {name: seq, type: int64}
                  - {name: px, type: int32, nullable: true}
                  - {name: name, type: char(8)}
                """);
        assertCompatible(List.of(V1), v2, 1, 2, 3);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {"int8;int16", "int8;int32", "int8;int64", "int16;int32", "int16;int64", "int32;int64",
        "float32;float64", "decimal(10,2);decimal(12,2)", "decimal(10,2);decimal(18,2)", "char(8);char(12)", "string(8);string(100)",
        "binary(4);binary(8)"})
    void wideningATypeKeepsItsId(String from, String to) {
        List<Schema> h = List.of(v(1, "  - {name: seq, type: int64}\n  - {name: x, type: \"" + from + "\"}\n"));
        assertCompatible(h, v(2, "  - {name: seq, type: int64}\n  - {name: x, type: \"" + to + "\"}\n"), 1, 2);
        assertThat(SchemaEvolution.widens(FieldType.parse(from), FieldType.parse(to))).isTrue();
        assertThat(SchemaEvolution.widens(FieldType.parse(to), FieldType.parse(from))).as("and back is a narrowing").isFalse();
    }

    @Test
    void renamingWithWasKeepsTheId() {
        Schema v2 = v(2, """
                  - {name: seq, type: int64}
                  - {name: price, type: int64, was: px}
                  - {name: sym, type: char(12), was: name}
                """);
        assertCompatible(List.of(V1), v2, 1, 2, 3);
    }

    @Test
    void aWasLeftInPlaceAfterTheRenameIsHarmless() {
        Schema v2 = v(2, "  - {name: seq, type: int64}\n  - {name: px, type: int32}\n  - {name: sym, type: char(8), was: name}\n");
        List<Schema> h = history(V1, v2);
        Schema v3 = v(3, "  - {name: seq, type: int64}\n  - {name: px, type: int32}\n  - {name: sym, type: char(8), was: name}\n");
        assertCompatible(h, v3, 1, 2, 3);
    }

    @Test
    void reorderingFieldsKeepsTheirIds() {
        Schema v2 = v(2, """
                  - {name: name, type: char(8)}
                  - {name: seq, type: int64}
                  - {name: px, type: int32}
                """);
        assertCompatible(List.of(V1), v2, 3, 1, 2);
    }

    @Test
    void descriptionAndOverflowEditsChangeNeitherTheFingerprintNorTheIds() {
        Schema a = v(1, "  - {name: seq, type: int64}\n  - {name: note, type: string(8), description: old}\n");
        Schema b = v(1, "  - {name: seq, type: int64, description: new}\n  - {name: note, type: string(8), overflow: truncate}\n");
        assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
        assertThat(b.sameLayout(a)).isTrue();
        Schema c = v(2, "  - {name: seq, type: int64, description: new}\n  - {name: note, type: string(8), overflow: truncate}\n");
        assertCompatible(List.of(a), c, 1, 2);
    }

    @Test
    void aDroppedFieldAddedBackWithItsTypeGetsItsOldId() {
        Schema v2 = v(2, "  - {name: seq, type: int64}\n  - {name: name, type: char(8)}\n");
        Schema v3 = v(3, "  - {name: seq, type: int64}\n  - {name: name, type: char(8)}\n  - {name: px, type: int32, nullable: true}\n");
        assertCompatible(history(V1, v2), v3, 1, 3, 2);
    }

    @Test
    void aNewFieldTakesTheIdAfterEveryIdGivenEvenDroppedOnes() {
        Schema v2 = v(2, "  - {name: seq, type: int64}\n  - {name: venue, type: string(16), nullable: true}\n");
        List<Schema> h = history(V1, v2);
        assertThat(h.get(1).fieldIds()).containsExactly(1, 6);
        Schema v3 = v(3, "  - {name: seq, type: int64}\n  - {name: qty, type: int32, nullable: true}\n");
        h = history(V1, v2, v3);
        assertThat(h.get(2).fieldIds()).as("venue's 6 stays taken after it is dropped").containsExactly(1, 7);
        Schema v4 = v(4, "  - {name: seq, type: int64}\n  - {name: qty, type: int32, nullable: true}\n"
                + "  - {name: venue, type: string(16), nullable: true}\n  - {name: px, type: int32, nullable: true}\n"
                + "  - {name: z, type: bool, nullable: true}\n");
        assertCompatible(h, v4, 1, 7, 6, 2, 8);
    }

    @Test
    void aFirstVersionWithFieldIdsPastItsPartitionColumnsStillCountsThem() {
        // A schema read on its own numbers its fields 1..n; the next id is after max(every id, first field count + 2).
        Schema one = v(1, "  - {name: seq, type: int64}\n");
        assertCompatible(List.of(one), v(2, "  - {name: seq, type: int64}\n  - {name: a, type: int8, nullable: true}\n"), 1, 4);
    }

    // --- refused changes ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "narrowing;int64;int32", "narrowing;int32;int16", "narrowing;float64;float32", "narrowing;char(12);char(8)",
        "narrowing;string(100);string(8)", "narrowing;binary(8);binary(4)", "narrowing;decimal(12,2);decimal(10,2)",
        "another type;int32;float64", "another type;int64;float64", "another type;char(8);string(8)", "another type;string(8);char(8)",
        "another type;bytes(4);binary(4)", "another type;int32;decimal(18,0)", "another type;bool;int8",
        "another unit;timestamp(ns);timestamp(us)", "another unit;timestamp(ms);timestamp(ns)", "another scale;decimal(10,2);decimal(12,3)",
        "bytes(N) grown;bytes(4);bytes(8)", "bytes(N) shrunk;bytes(8);bytes(4)", "to int64;timestamp(ns);int64"})
    void aTypeChangeThatIsNotAWideningIsRefused(String kind, String from, String to) {
        List<Schema> h = List.of(v(1, "  - {name: seq, type: int64}\n  - {name: x, type: \"" + from + "\"}\n"));
        assertRefused(h, v(2, "  - {name: seq, type: int64}\n  - {name: x, type: \"" + to + "\"}\n"),
                "field x: type " + FieldType.parse(from) + " changed to " + FieldType.parse(to) + ", which is not a widening");
    }

    @Test
    void makingANullableFieldRequiredIsRefused() {
        List<Schema> h = List.of(v(1, "  - {name: seq, type: int64}\n  - {name: px, type: int32, nullable: true}\n"));
        assertRefused(h, v(2, "  - {name: seq, type: int64}\n  - {name: px, type: int32}\n"), "field px: nullable made required");
        assertRefused(h, v(2, "  - {name: seq, type: int64}\n  - {name: px, type: int32, default: 0}\n"),
                "field px: nullable made required");
    }

    @Test
    void addingARequiredFieldWithoutADefaultIsRefused() {
        assertRefused(List.of(V1), v(2, """
                  - {name: seq, type: int64}
                  - {name: px, type: int32}
                  - {name: name, type: char(8)}
                  - {name: qty, type: int32}
                """), "field qty: added as required without a default (make it nullable or give it a default)");
    }

    @Test
    void reusingADroppedNameWithAnotherTypeIsRefused() {
        Schema v2 = v(2, "  - {name: seq, type: int64}\n  - {name: name, type: char(8)}\n");
        List<Schema> h = history(V1, v2);
        assertRefused(h, v(3, "  - {name: seq, type: int64}\n  - {name: name, type: char(8)}\n  - {name: px, type: int64, nullable: true}\n"),
                "field px: reuses the name of a field dropped after v1 with type int32, now int64");
    }

    @Test
    void aWasNamingNoFieldIsRefused() {
        assertRefused(List.of(V1), v(2, "  - {name: seq, type: int64}\n  - {name: px, type: int32}\n  - {name: sym, type: char(8), was: nme}\n"),
                "field sym: was nme, but t v1 has no field nme", "field sym: added as required without a default (make it nullable or give it a "
                        + "default)");
    }

    @Test
    void aWasNamingAFieldStillPresentIsRefused() {
        assertRefused(List.of(V1), v(2, """
                  - {name: seq, type: int64}
                  - {name: px, type: int32}
                  - {name: name, type: char(8)}
                  - {name: sym, type: char(8), was: name}
                """), "field sym: was name, which is still field name", "field sym: added as required without a default (make it nullable or "
                + "give it a default)");
    }

    @Test
    void aWasNamingAFieldStillPresentDeclaredAfterItIsRefusedNamingTheRename() {
        assertRefused(List.of(V1), v(2, """
                  - {name: seq, type: int64}
                  - {name: sym, type: char(8), was: name}
                  - {name: px, type: int32}
                  - {name: name, type: char(8)}
                """), "field sym: was name, which is still field name", "field sym: added as required without a default (make it nullable or "
                + "give it a default)");
        assertThat(SchemaEvolution.ids(List.of(V1), v(2, """
                  - {name: seq, type: int64}
                  - {name: sym, type: char(8), nullable: true, was: name}
                  - {name: name, type: char(8)}
                """))).as("the field of that name keeps its id").containsExactly(1, 6, 3);
    }

    @Test
    void aRenameThatAlsoChangesTheTypeNamesBothNames() {
        assertRefused(List.of(V1), v(2, "  - {name: seq, type: int64}\n  - {name: px, type: int32}\n  - {name: sym, type: string(8), was: name}\n"),
                "field sym (was name): type char(8) changed to string(8), which is not a widening");
    }

    @Test
    void everyProblemIsNamedInDeclarationOrder() {
        assertRefused(List.of(V1), v(2, """
                  - {name: seq, type: int32}
                  - {name: px, type: float64}
                  - {name: qty, type: int32}
                """), "field seq: type int64 changed to int32, which is not a widening", "field px: type int32 changed to float64, which is not a widening",
                "field qty: added as required without a default (make it nullable or give it a default)");
    }
}
