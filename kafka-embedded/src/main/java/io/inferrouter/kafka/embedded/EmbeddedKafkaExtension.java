package io.inferrouter.kafka.embedded;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests a real embedded KRaft broker. One broker serves every test
 * class of a test JVM (it is kept in the root store and closed when the run ends), so integration
 * tests pay the start-up once. Tests get it as a {@link KafkaEndpoint} or {@link EmbeddedKafka}
 * parameter, and must use topic names or application ids of their own.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class SomethingIT {
 *     @Test void works(KafkaEndpoint kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaEndpoint.class || type == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return broker(extension);
    }

    private static EmbeddedKafka broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Broker.class, k -> new Broker(EmbeddedKafka.start(BrokerSettings.ephemeral())),
                        Broker.class)
                .kafka();
    }

    /** Closes the broker when JUnit closes the root store at the end of the run. */
    @SuppressWarnings("deprecation")
    private record Broker(EmbeddedKafka kafka) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            kafka.close();
        }
    }
}
