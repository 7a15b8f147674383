/**
 * What a run reports: the in-pipeline tally ({@code RunTally}) and the numbers it becomes
 * ({@code stats.json}), the read-back of written files ({@code validation.json}), the splits
 * check, the page a person reads ({@code report.html}, charts by JFreeChart as inline SVG), the
 * OpenAI metadata, the trainer hand-off and the progress line. A new number in stats.json is a
 * tally line here and a key in {@code RunStats}.
 */
package dev.trainset.report;
