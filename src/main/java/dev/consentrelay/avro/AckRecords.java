package dev.consentrelay.avro;

import java.util.ArrayList;
import java.util.List;

import dev.consentrelay.schema.CommandAck;

/**
 * The acknowledgements one record of the acks topic carries: its own, then those in its {@code others} list, all for
 * the subject of the record's key. A connector publishes the answers of one subject that arrive together as one
 * record; a record from an earlier release carries its own acknowledgement only.
 */
public final class AckRecords {

    private AckRecords() {
    }

    /** One record carrying {@code acks} (at least one, all for the same subject): the first, listing the rest. */
    public static CommandAck of(List<CommandAck> acks) {
        if (acks.isEmpty()) {
            throw new IllegalArgumentException("a record carries at least one acknowledgement");
        }
        CommandAck first = acks.get(0);
        if (acks.size() == 1) {
            return first;
        }
        return single(first, new ArrayList<>(acks.subList(1, acks.size())));
    }

    /**
     * Every acknowledgement a record carries, in order, each with an empty {@code others} list; the record itself
     * when it carries only its own. A listed acknowledgement that lists more (the contract says it should not) has
     * those taken too, after it.
     */
    public static List<CommandAck> each(CommandAck record) {
        if (record.getOthers() == null || record.getOthers().isEmpty()) {
            return List.of(record);
        }
        List<CommandAck> all = new ArrayList<>(record.getOthers().size() + 1);
        collect(record, all);
        return all;
    }

    private static void collect(CommandAck ack, List<CommandAck> into) {
        if (ack.getOthers() == null || ack.getOthers().isEmpty()) {
            into.add(ack);
            return;
        }
        into.add(single(ack, List.of()));
        ack.getOthers().forEach(other -> collect(other, into));
    }

    /** A shallow copy of {@code ack} listing {@code others}. */
    private static CommandAck single(CommandAck ack, List<CommandAck> others) {
        return new CommandAck(ack.getCommandId(), ack.getVendorId(), ack.getStatus(), ack.getDetail(),
                ack.getAppliedAt(), ack.getAttempts(), ack.getSignalId(), others);
    }
}
