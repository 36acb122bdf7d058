package dev.consentrelay.platform;

import java.util.Map;
import java.util.stream.Collectors;

/** The start-up check that the topics one subject's task reads share one partition count. */
final class CoPartitioning {

    private CoPartitioning() {
    }

    /**
     * @param partitions each topic's partition count, in the order to report them
     * @return the shared count
     * @throws IllegalStateException naming every topic and its count when they differ
     */
    static int check(Map<String, Integer> partitions) {
        if (partitions.values().stream().distinct().count() != 1) {
            throw new IllegalStateException("The topics "
                    + partitions.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " partitions)")
                            .collect(Collectors.joining(", "))
                    + " must have the same partition count: a subject's signals and the acknowledgements of its"
                    + " commands are matched in one task per partition. Extend the acknowledgements topic to the"
                    + " signal topics' count (kafka-topics --alter --partitions N) and start again; do not change the"
                    + " count of a signal topic that already has consent state, whose subjects would move to other"
                    + " tasks");
        }
        return partitions.values().iterator().next();
    }
}
