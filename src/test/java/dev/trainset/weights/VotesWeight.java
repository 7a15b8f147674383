package dev.trainset.weights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Document;

/**
 * A plug-in weight strategy for the tests, registered in META-INF/services as {@code votes}:
 * {@code 1 + votes / 10}, and 1 for a record without votes.
 */
public final class VotesWeight implements WeightStrategy {
  @Override
  public String name() {
    return "votes";
  }

  @Override
  public double factor(Document document) {
    JsonNode votes = document.fields().get("votes");
    return votes == null ? 1.0 : 1.0 + votes.asDouble() / 10.0;
  }
}
