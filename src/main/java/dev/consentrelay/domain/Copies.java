package dev.consentrelay.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable copies with a deterministic iteration order, so that reasons, command purposes and serialised state never
 * depend on hash order.
 */
final class Copies {

    private Copies() {
    }

    /** A sorted, unmodifiable copy; {@code null} collection or elements are dropped. */
    static SortedSet<String> sortedSet(Collection<String> values) {
        TreeSet<String> copy = new TreeSet<>();
        if (values != null) {
            values.stream().filter(Objects::nonNull).forEach(copy::add);
        }
        return Collections.unmodifiableSortedSet(copy);
    }

    /** A key-sorted, unmodifiable copy; {@code null} keys or values are dropped. */
    static <V> SortedMap<String, V> sortedMap(Map<String, V> values) {
        TreeMap<String, V> copy = new TreeMap<>();
        if (values != null) {
            values.forEach((key, value) -> {
                if (key != null && value != null) {
                    copy.put(key, value);
                }
            });
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    /** An unmodifiable copy without {@code null} elements or duplicates, in the original order. */
    static <T> List<T> distinctList(Collection<T> values) {
        if (values == null) {
            return List.of();
        }
        LinkedHashSet<T> copy = new LinkedHashSet<>();
        values.stream().filter(Objects::nonNull).forEach(copy::add);
        return List.copyOf(copy);
    }

    /** The union of two lists, first the elements of {@code a}, then the new ones of {@code b}. */
    static <T> List<T> union(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a == null ? List.of() : a);
        if (b != null) {
            all.addAll(b);
        }
        return distinctList(all);
    }

    /** {@link #union} keeping the last {@code max} elements: the oldest go first. */
    static <T> List<T> boundedUnion(List<T> a, List<T> b, int max) {
        List<T> all = union(a, b);
        return all.size() <= max ? all : List.copyOf(all.subList(all.size() - max, all.size()));
    }

    static Set<Command.Action> actions(Collection<Command.Action> values) {
        EnumSet<Command.Action> copy = EnumSet.noneOf(Command.Action.class);
        if (values != null) {
            values.stream().filter(Objects::nonNull).forEach(copy::add);
        }
        return Collections.unmodifiableSet(copy);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
