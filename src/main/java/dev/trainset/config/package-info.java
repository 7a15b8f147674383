/**
 * The pipeline file: {@code defaults.yaml}, the YAML the user wrote and the command line's
 * overrides, bound into one immutable, validated {@code PipelineSpec}, or a
 * {@code ConfigException} naming the key, the value and what is allowed. A new key goes into
 * {@code defaults.yaml}, its section's record and that section's validation. Configuration
 * imports only {@code model}: names defined elsewhere (formats, weight strategies) come in through
 * {@code Registries}.
 */
package dev.trainset.config;
