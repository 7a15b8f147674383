/**
 * The command line and the graph. {@code Trainset} reads the arguments and dispatches to a
 * command; {@code TrainsetPipeline} wires the six stages into one Beam graph, with every stage's
 * rejections flattened into one sink; {@code Plugins} hands configuration the names of formats
 * and weight strategies. Nothing here transforms records: a new stage is a package of its own,
 * added to {@code TrainsetPipeline}.
 */
package dev.trainset;
