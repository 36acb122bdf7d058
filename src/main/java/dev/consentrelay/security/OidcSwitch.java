package dev.consentrelay.security;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * OIDC is on exactly when {@code quarkus.oidc.auth-server-url} is set. quarkus-oidc's default tenant is on by default
 * and refuses to start without a provider, so unless {@code quarkus.oidc.tenant-enabled} is set explicitly, its value
 * follows the provider's URL. An interceptor rather than a config source: it sees every source the URL may come from
 * (environment, {@code quarkus.config.locations} files, a test's overrides). Registered through
 * {@code META-INF/services}.
 */
@Priority(Priorities.APPLICATION)
public class OidcSwitch implements ConfigSourceInterceptor {

    static final String TENANT_ENABLED = "quarkus.oidc.tenant-enabled";
    static final String AUTH_SERVER_URL = "quarkus.oidc.auth-server-url";

    private static final long serialVersionUID = 1L;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!TENANT_ENABLED.equals(name) || (value != null && !isDefault(value))) {
            return value;
        }
        ConfigValue url = context.proceed(AUTH_SERVER_URL);
        boolean on = url != null && url.getValue() != null && !url.getValue().isBlank();
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(on))
                .withConfigSourceName("consent-relay: OIDC on when " + AUTH_SERVER_URL + " is set").build();
    }

    /** A value only the extension's own default gave (the defaults source has the lowest ordinal there is). */
    private static boolean isDefault(ConfigValue value) {
        return value.getConfigSourceOrdinal() == Integer.MIN_VALUE;
    }
}
