/**
 * The output formats: one class per format behind {@code OutputFormat} (name, extension, how it
 * encodes one example, what it cannot represent, how a file of it is read back), and the
 * registry {@code Formats}, which also finds custom formats on the classpath. A new format is one
 * class here and one registry line; the write stage and the report ask the registry, never a
 * format's name.
 */
package dev.trainset.formats;
