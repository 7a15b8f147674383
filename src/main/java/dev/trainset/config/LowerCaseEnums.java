package dev.trainset.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Binds every enum setting of the spec from its constant's name in lower case, exactly as the
 * pipeline file writes it: {@code exact} is {@code Dedup.EXACT}; {@code EXACT}, {@code 1} or
 * {@code true} are refused with an {@code InvalidFormatException} that {@link SpecLoader} turns
 * into a message listing the allowed values.
 */
final class LowerCaseEnums extends SimpleModule {
  LowerCaseEnums() {
    super("LowerCaseEnums");
    setDeserializers(new EveryEnum());
  }

  /** The name of {@code constant} in the pipeline file. */
  static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  private static final class EveryEnum extends SimpleDeserializers {
    @Override
    public JsonDeserializer<?> findEnumDeserializer(
        Class<?> type, DeserializationConfig config, BeanDescription description) {
      return new ByName(type);
    }
  }

  private static final class ByName extends StdScalarDeserializer<Object> {
    private final Map<String, Object> constants = new LinkedHashMap<>();

    ByName(Class<?> type) {
      super(type);
      for (Object constant : type.getEnumConstants()) {
        constants.put(configName((Enum<?>) constant), constant);
      }
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      // Read as text, as the key was before it was an enum: a number or a boolean is then
      // refused by its text, and a list or a mapping as not being text.
      String name = context.readValue(parser, String.class);
      Object constant = constants.get(name);
      if (constant == null) {
        throw context.weirdStringException(name, handledType(), "not one of " + constants.keySet());
      }
      return constant;
    }
  }
}
