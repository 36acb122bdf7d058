package dev.consentrelay.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignalStatusQueryTest {

    private static final String SIGNAL = "3f1c2a9e-4b7d-4c1e-9a2f-0d5e6b7c8a91";

    @Test
    void shouldAskToRetryRatherThanSayNotFoundWhileAStartedTaskStillIndexesItsSignals() {
        Response answer = SignalStatusQuery.whileIndexing(true, SIGNAL, 2);

        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getHeaderString(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(((ApiContract.Problem) answer.getEntity()).message())
                .contains("still indexing its signals after a restart")
                .contains("/v1/subjects/{subjectId}/signals/" + SIGNAL);
    }

    @Test
    void shouldLeaveAMissToTheOtherInstancesOnceTheIndexIsComplete() {
        assertThat(SignalStatusQuery.whileIndexing(false, SIGNAL, 2)).isNull();
    }
}
