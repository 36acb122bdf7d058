package dev.consentrelay.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Creates the registry client a configuration asks for. */
public final class SchemaRegistryClients {

    /** URL scheme that selects a named in-memory registry shared within the JVM. */
    public static final String IN_MEMORY_SCHEME = "mem://";

    private static final Map<String, InMemorySchemaRegistryClient> IN_MEMORY = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    /**
     * A client for {@code config.url()}: for {@code mem://<name>} the in-memory registry of that name (created on first
     * use and shared by every caller in the JVM, so producers and consumers see the same ids); for
     * {@code kafka://<bootstrap>/<topic>} a registry kept in that Kafka topic (the embedded run mode's); otherwise an
     * HTTP client.
     */
    public static SchemaRegistryClient create(SchemaRegistryConfig config) {
        String url = config.url();
        if (url.startsWith(IN_MEMORY_SCHEME)) {
            return inMemory(url.substring(IN_MEMORY_SCHEME.length()));
        }
        if (url.startsWith(TopicSchemaRegistryClient.SCHEME)) {
            return TopicSchemaRegistryClient.open(url, config.requestTimeout().multipliedBy(2));
        }
        return new HttpSchemaRegistryClient(config);
    }

    /** The shared in-memory registry with the given name. */
    public static InMemorySchemaRegistryClient inMemory(String name) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("An in-memory schema registry URL needs a name: mem://<name>");
        }
        return IN_MEMORY.computeIfAbsent(name, n -> new InMemorySchemaRegistryClient(IN_MEMORY_SCHEME + n));
    }

    /** Forgets the shared in-memory registry with the given name, so the next use starts empty. */
    public static void dropInMemory(String name) {
        IN_MEMORY.remove(name);
    }
}
