package dev.tokenstore.spring;

import java.util.Locale;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns a builder's {@link IllegalArgumentException} ("maxBatchSize must be at least 1 …") into a
 * startup failure naming the property ({@code tokenstore.buffer.max-batch-size}); never shows a
 * secret value.
 */
final class PropertyErrors {
    private PropertyErrors() {
    }

    static InvalidConfigurationPropertyValueException invalid(String prefix, IllegalArgumentException e) {
        String message = e.getMessage() == null ? "invalid" : e.getMessage();
        int end = 0;
        while (end < message.length() && Character.isJavaIdentifierPart(message.charAt(end))) {
            end++;
        }
        String option = message.substring(0, end);
        String property = option.isEmpty() ? prefix + ".*" : prefix + "." + kebab(option);
        InvalidConfigurationPropertyValueException failure =
                new InvalidConfigurationPropertyValueException(property, "(see reason)", message);
        failure.initCause(e);
        return failure;
    }

    static String kebab(String camel) {
        StringBuilder b = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
