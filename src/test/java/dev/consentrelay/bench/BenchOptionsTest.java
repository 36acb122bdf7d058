package dev.consentrelay.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

    @Test
    void defaultsAreTheIssueTargetsWithConnectorsInProcessAndNoBindingVendorLimit() {
        BenchOptions options = BenchOptions.parse(List.of());

        assertThat(options.subjects()).isEqualTo(1_000_000);
        assertThat(options.rate()).as("the in-process latency targets hold at 500/s").isEqualTo(500);
        assertThat(options.batch()).isEqualTo(200_000);
        assertThat(options.atTargetConditions()).isTrue();
        assertThat(options.connectors()).isEqualTo(BenchOptions.Connectors.IN_PROCESS);
        assertThat(options.vendorRateLimit()).isEqualTo(10_000);
        assertThat(options.connectorHeap()).isEqualTo("256m");
        assertThat(options.serviceHeap()).as("room under 512 MiB for the compiler's arenas at the open loop's start")
                .isEqualTo("176m");
        assertThat(options.warmUpSeconds()).as("the open loop is measured after half a minute of its mix")
                .isEqualTo(30);
    }

    @Test
    void theOpenLoopWarmUpCanBeTurnedOffButNotMadeNegative() {
        assertThat(BenchOptions.parse(List.of("--warm-up", "0")).warmUpSeconds()).isZero();
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--warm-up", "-5")))
                .hasMessageContaining("--warm-up is a number of seconds");
    }

    @Test
    void theBrokerSharesTheBenchmarksJvmUnlessToldToRunAsItsOwnProcess() {
        assertThat(BenchOptions.parse(List.of()).brokerProcess()).isFalse();
        assertThat(BenchOptions.parse(List.of("--broker", "process")).brokerProcess()).isTrue();
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--broker", "remote")))
                .hasMessageContaining("--broker is process or jvm");
    }

    @Test
    void connectorsCanRunAsTheirOwnProcess() {
        BenchOptions options = BenchOptions.parse(List.of("--connectors", "separate", "--connector-heap", "192m",
                "--vendor-rate-limit", "2,000", "--subjects", "20000"));

        assertThat(options.connectors()).isEqualTo(BenchOptions.Connectors.SEPARATE);
        assertThat(options.connectorHeap()).isEqualTo("192m");
        assertThat(options.vendorRateLimit()).isEqualTo(2_000);
        assertThat(options.batch()).isEqualTo(4_000);
        assertThat(options.atTargetConditions()).isFalse();
    }

    @Test
    void theProcessorCanRunAlone() {
        BenchOptions alone = BenchOptions.parse(List.of("--connectors", "none"));
        assertThat(alone.connectors()).isEqualTo(BenchOptions.Connectors.NONE);
        assertThat(alone.rate()).as("the processor's latency target holds at 1,000/s").isEqualTo(1_000);
        assertThat(alone.atTargetConditions()).isTrue();
    }

    @Test
    void badValuesSayWhatIsAccepted() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--connectors", "remote")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--connectors is in-process, separate or none, got remote");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--vendor-rate-limit", "0")))
                .hasMessageContaining("--vendor-rate-limit and --webhook-batch-size must be positive");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--rate", "-1")))
                .hasMessageContaining("--rate, --duration").hasMessageContaining("must be positive");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--connectors")))
                .hasMessageStartingWith("--connectors needs a value");
    }
}
