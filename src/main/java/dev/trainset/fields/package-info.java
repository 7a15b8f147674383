/**
 * The {@code fields} section applied to a record: how FilterQuality, ComputeWeights and Segment
 * see a {@code Document} as an {@code Example} (instruction, chat or text style, dotted paths,
 * role names of other tools). A new way to find a part of an example in a record goes here.
 */
package dev.trainset.fields;
