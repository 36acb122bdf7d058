package dev.consentrelay.connector;

/**
 * Stops and restarts the fetching of one vendor's command topic ({@link CommandFeed#pauser}): a connector that holds
 * all it may have in flight pauses its topic, so the feed's consumer goes on fetching only for the other vendors.
 */
public interface ChannelPauser {

    /** Does nothing (a topic that needs no pausing, e.g. in tests of the connector alone). */
    ChannelPauser NONE = new ChannelPauser() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    };

    /** Stops fetching the topic's partitions, those assigned now and those a rebalance assigns later. */
    void pause();

    /** Fetches the topic's partitions again. */
    void resume();
}
