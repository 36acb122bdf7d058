package dev.consentrelay.ingest;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private final TrustedProxies cdn = TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.1", "2001:db8::/32"));

    @Test
    void trustsAddressesInItsBlocksOnly() {
        assertThat(cdn.trusts("10.20.30.40")).isTrue();
        assertThat(cdn.trusts("192.0.2.1")).isTrue();
        assertThat(cdn.trusts("192.0.2.2")).isFalse();
        assertThat(cdn.trusts("2001:db8:1::5")).isTrue();
        assertThat(cdn.trusts("11.0.0.1")).isFalse();
        assertThat(cdn.trusts("localhost")).as("names are never resolved").isFalse();
        assertThat(TrustedProxies.none().trusts("127.0.0.1")).isFalse();
        assertThat(TrustedProxies.of(List.of("127.0.0.0/8", "::1/128")).trusts("0:0:0:0:0:0:0:1")).isTrue();
    }

    @Test
    void theClientAddressComesFromForwardedForOnlyThroughATrustedProxy() {
        assertThat(cdn.clientAddress("203.0.113.9", "1.2.3.4")).as("an untrusted peer is the client")
                .isEqualTo("203.0.113.9");
        assertThat(cdn.clientAddress("10.0.0.1", "198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(cdn.clientAddress("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2"))
                .as("right-most untrusted hop: what the client wrote left of it does not count")
                .isEqualTo("198.51.100.7");
        assertThat(cdn.clientAddress("10.0.0.1", "not-an-ip")).isEqualTo("10.0.0.1");
        assertThat(cdn.clientAddress("10.0.0.1", null)).isEqualTo("10.0.0.1");
    }

    @Test
    void aBlockThatIsNotOneIsRefusedByName() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33")))
                .hasMessageContaining("'10.0.0.0/33': the prefix length is 0 to 32");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.example.com")))
                .hasMessageContaining("'proxy.example.com' is not a CIDR block");
    }
}
