/**
 * The graph's last steps, which finish a run where its files are: {@code FinishRun} reads every
 * written file back on the workers ({@code ReadBackFn}), then writes stats.json from the tally,
 * validation.json, the files that describe the data (csv's data dictionary, the Hugging Face
 * card, OpenAI's metadata.json, the trainer hand-off) and {@code _report/manifest.json}, and
 * publishes the staged output ({@code OutputFolder}), {@code _SUCCESS} last. A new report file or
 * side file is written here, from what the graph left in the staging folder.
 */
package dev.trainset.finish;
