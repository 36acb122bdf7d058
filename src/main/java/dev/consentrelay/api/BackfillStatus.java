package dev.consentrelay.api;

import java.util.List;

import dev.consentrelay.topology.BackfillJob;

/**
 * Progress of a vendor's backfill over every task: totals, and one line per task (each task walks its own part of the
 * consent table).
 */
public record BackfillStatus(String vendorId, long scanned, long issued, boolean done, List<Task> tasks) {

    /** One task's part. */
    public record Task(String instance, String backfillId, List<String> purposes, String startedAt, long scanned,
            long issued, boolean done, String finishedAt) {

        static Task of(BackfillJob job, String instance) {
            return new Task(instance, job.backfillId(), job.purposes().stream().sorted().toList(),
                    job.startedAt().toString(), job.scanned(), job.issued(), job.done(),
                    job.finishedAt() == null ? null : job.finishedAt().toString());
        }
    }

    static BackfillStatus of(String vendorId, List<Task> tasks) {
        return new BackfillStatus(vendorId, tasks.stream().mapToLong(Task::scanned).sum(),
                tasks.stream().mapToLong(Task::issued).sum(), tasks.stream().allMatch(Task::done), tasks);
    }
}
