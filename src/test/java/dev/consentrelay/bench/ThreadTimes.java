package dev.consentrelay.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a process's time went over a phase, read from Linux's {@code /proc}: its CPU per signal, and for each Kafka
 * Streams thread the share of the phase it spent on a core, runnable but waiting for one (the scheduler's run-queue
 * delay: the machine was busy with other work) and off a core (blocked in a poll, a flush or a commit, stopped by a
 * garbage collection, or idle). A stream thread on a core nearly all the phase is short of CPU per signal; one often
 * off it waits on something a setting or a design change can remove. Nothing is reported where {@code /proc} is not.
 */
final class ThreadTimes {

    /** Below this share of the phase on a core, a thread of the prefix (the global thread, say) is left out. */
    private static final double BUSY = 0.05;
    /** Below this share of the process's CPU, a group of threads is left out of {@code byThreadGroup}. */
    private static final double GROUP_SHOWN = 0.01;

    /** One thread's totals since it started: its name as the kernel keeps it (15 characters), nanoseconds. */
    record ThreadTime(String name, long onCpuNanos, long waitingNanos) {
    }

    /** Every thread of a process, and the machine's busy and total time in clock ticks, at one instant. */
    record Snapshot(long atNanos, Map<String, ThreadTime> threads, long machineBusy, long machineTotal) {
    }

    private ThreadTimes() {
    }

    /** The process's threads now; empty where {@code /proc} cannot be read (not Linux, or the process is gone). */
    static Optional<Snapshot> take(long pid) {
        Map<String, ThreadTime> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String[] sched = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
                    threads.put(task.getFileName().toString(), new ThreadTime(Files.readString(task.resolve("comm"))
                            .trim(), Long.parseLong(sched[0]), Long.parseLong(sched[1])));
                } catch (IOException e) {
                    // the thread ended between the listing and the read: its time is no longer the process's
                }
            }
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long total = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                long ticks = Long.parseLong(cpu[i]);
                total += ticks;
                // user, nice, system, irq, softirq, steal; idle (4) and iowait (5) are not busy
                busy += i == 4 || i == 5 ? 0 : ticks;
            }
            return Optional.of(new Snapshot(System.nanoTime(), threads, busy, total));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes the phase between two snapshots into {@code out}: the machine's busy share (of every core), the process's
     * CPU microseconds per signal, and each busy thread named {@code threadPrefix}… with its shares of the phase.
     */
    static void report(ObjectNode out, Snapshot before, Snapshot after, long signals, String threadPrefix) {
        double window = after.atNanos() - before.atNanos();
        long total = after.machineTotal() - before.machineTotal();
        out.put("seconds", Benchmark.round(window / 1e9));
        out.put("machineBusy",
                total > 0
                        ? Benchmark.round((double) (after.machineBusy() - before.machineBusy()) / total)
                        : null);
        long processNanos = 0;
        ArrayNode streamThreads = out.putArray("streamThreads");
        for (Map.Entry<String, ThreadTime> entry : after.threads().entrySet()) {
            ThreadTime now = entry.getValue();
            ThreadTime then = before.threads().getOrDefault(entry.getKey(), new ThreadTime(now.name(), 0, 0));
            long onCpu = now.onCpuNanos() - then.onCpuNanos();
            long waiting = now.waitingNanos() - then.waitingNanos();
            processNanos += onCpu;
            if (now.name().startsWith(threadPrefix) && onCpu >= BUSY * window) {
                streamThreads.addObject().put("thread", now.name())
                        .put("onCpu", Benchmark.round(onCpu / window))
                        .put("waitingForCpu", Benchmark.round(waiting / window))
                        .put("offCpu", Benchmark.round(Math.max(0, window - onCpu - waiting) / window))
                        .put("cpuMicrosPerSignal", Benchmark.round(onCpu / 1e3 / signals));
            }
        }
        out.put("processCpuMicrosPerSignal", Benchmark.round(processNanos / 1e3 / signals));
        ObjectNode groups = out.putObject("byThreadGroup");
        double shown = GROUP_SHOWN * processNanos;
        threadGroups(before, after).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(group -> group.getValue() >= shown)
                .forEach(group -> groups.put(group.getKey(), Benchmark.round(group.getValue() / 1e3 / signals)));
    }

    /**
     * CPU by group of threads: the kernel's names with numbers folded, so that twenty vendors' connectors or four
     * event loops add up, e.g. {@code webhook-loop} (the connectors' HTTP), {@code connector-feed},
     * {@code ack-publish}, {@code kafka-producer-} (every producer's network thread: the kernel keeps 15 characters).
     */
    static Map<String, Long> threadGroups(Snapshot before, Snapshot after) {
        Map<String, Long> groups = new HashMap<>();
        for (Map.Entry<String, ThreadTime> entry : after.threads().entrySet()) {
            ThreadTime now = entry.getValue();
            ThreadTime then = before.threads().getOrDefault(entry.getKey(), new ThreadTime(now.name(), 0, 0));
            groups.merge(now.name().replaceAll("[0-9]+", "N"), now.onCpuNanos() - then.onCpuNanos(), Long::sum);
        }
        return groups;
    }

    /** The phase's figures as one line for the log. */
    static String summary(ObjectNode cpu) {
        StringBuilder line = new StringBuilder("machine busy " + cpu.path("machineBusy") + " of its cores; the service "
                + cpu.path("processCpuMicrosPerSignal") + " µs of CPU a signal");
        for (JsonNode thread : cpu.path("streamThreads")) {
            line.append("; stream thread on a core ").append(thread.path("onCpu"))
                    .append(" of the phase, waiting for one ")
                    .append(thread.path("waitingForCpu")).append(", off ").append(thread.path("offCpu")).append(", ")
                    .append(thread.path("cpuMicrosPerSignal")).append(" µs a signal");
        }
        line.append("; µs a signal by thread: ").append(cpu.path("byThreadGroup"));
        return line.toString();
    }
}
