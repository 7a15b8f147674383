/**
 * Finishing a run after the writes: stats.json from the tally, the read-back of every written
 * file into validation.json, the files that describe the data (csv's data dictionary, the Hugging
 * Face card, OpenAI's metadata.json, the trainer hand-off), and publishing the staged output. A new
 * report file or side file is written here, from what the graph left in the staging folder.
 */
package dev.trainset.finish;
