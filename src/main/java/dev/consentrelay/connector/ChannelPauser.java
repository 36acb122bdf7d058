package dev.consentrelay.connector;

/**
 * Stops and restarts the fetching of one vendor's channel. The connector asks for every record the channel has and
 * pauses the channel's consumer itself when its own buffer is full: SmallRye's demand-driven pause keeps polling
 * with a zero timeout every 2 ms while paused, which for a dead or backlogged vendor burns a good part of a core.
 */
public interface ChannelPauser {

    /** Does nothing (a channel that needs no pausing, e.g. in tests of the connector alone). */
    ChannelPauser NONE = new ChannelPauser() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    };

    /** Stops fetching from every partition currently assigned (again, after a rebalance assigned new ones). */
    void pause();

    /** Fetches from every paused partition again. */
    void resume();
}
