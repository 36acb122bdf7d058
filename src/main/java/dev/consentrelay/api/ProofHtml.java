package dev.consentrelay.api;

import java.util.List;

/** A printable HTML rendering of a {@link ProofReport}; every value from the trail is escaped. */
final class ProofHtml {

    private ProofHtml() {
    }

    static String render(ProofReport report) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Consent proof: ")
                .append(esc(report.subjectId())).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("td,th{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}")
                .append(".MET{color:#060}.MISSED{color:#a00;font-weight:bold}.PENDING{color:#850}")
                .append("@media print{section{page-break-inside:avoid}}</style></head><body>\n<h1>Consent proof for ")
                .append(esc(report.subjectId())).append("</h1>\n<p>Generated ").append(esc(report.generatedAt()))
                .append(". ").append(report.entries().size()).append(" record(s).</p>\n");
        for (ProofReport.Entry e : report.entries()) {
            html.append("<section><h2>").append(esc(e.type())).append(' ').append(esc(e.kind()))
                    .append(" <small>").append(esc(e.signalId())).append("</small></h2>\n<table>");
            row(html, "Source", e.source() == null ? null : e.source() + " (" + e.method() + ")");
            row(html, "Region", e.region());
            row(html, "Purposes", e.purposes().isEmpty() ? "all" : String.join(", ", e.purposes()));
            row(html, "Occurred", e.occurredAt());
            row(html, "Received", e.receivedAt());
            if (e.decision() != null) {
                row(html, "Decision", e.decision().outcome() + ": " + e.decision().reason());
                row(html, "Policy version", e.decision().policyVersion());
                row(html, "Decided", e.decision().recordedAt());
            }
            html.append("</table>\n");
            if (e.decision() != null && !e.decision().changes().isEmpty()) {
                table(html, List.of("Purpose", "Before", "After", "Model", "Allowed before", "Allowed after", "Rule"),
                        e.decision().changes().stream().map(c -> List.of(c.purpose(), c.statusBefore(),
                                c.statusAfter(), c.model(), String.valueOf(c.allowedBefore()),
                                String.valueOf(c.allowedAfter()), c.rule())).toList());
            }
            if (!e.commands().isEmpty()) {
                table(html, List.of("Vendor", "Action", "Issued", "Deadline", "Acknowledged", "Status", "Latency"),
                        e.commands().stream().map(c -> List.of(c.vendorId(), c.action(), nz(c.issuedAt()),
                                nz(c.deadline()), c.ack() == null ? "not yet" : c.ack().at(),
                                c.ack() == null ? "" : c.ack().status(),
                                c.ack() == null || c.ack().latencyMillis() == null
                                        ? ""
                                        : c.ack().latencyMillis() + " ms"))
                                .toList());
            }
            if (!e.legalDeadlines().isEmpty()) {
                html.append("<table><tr><th>Regime</th><th>Rule</th><th>Due</th><th>Completed</th><th>Met</th></tr>");
                for (ProofReport.DeadlineProof d : e.legalDeadlines()) {
                    html.append("<tr><td>").append(esc(d.regime())).append("</td><td>").append(esc(d.rule()))
                            .append("</td><td>").append(esc(d.due())).append("</td><td>")
                            .append(esc(nz(d.completedAt()))).append("</td><td class=\"").append(esc(d.status()))
                            .append("\">").append(esc(d.status())).append("</td></tr>");
                }
                html.append("</table>\n");
            }
            html.append("</section>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private static void row(StringBuilder html, String name, String value) {
        if (value != null) {
            html.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>");
        }
    }

    private static void table(StringBuilder html, List<String> head, List<List<String>> rows) {
        html.append("<table><tr>");
        head.forEach(h -> html.append("<th>").append(esc(h)).append("</th>"));
        html.append("</tr>");
        for (List<String> row : rows) {
            html.append("<tr>");
            row.forEach(v -> html.append("<td>").append(esc(v)).append("</td>"));
            html.append("</tr>");
        }
        html.append("</table>\n");
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    /** HTML-escapes text for element content and quoted attributes. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
