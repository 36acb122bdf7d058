package dev.consentrelay.connector;

/**
 * Stops and restarts the fetching of one vendor's channel. The connector's demand bounds what it holds; when its
 * buffer is full it also pauses the channel's Kafka consumer, so that fetching stops while there is still room in
 * SmallRye's queue: once that queue is full SmallRye pauses the channel itself and then polls with a zero timeout
 * every 2 ms until it drains, which for a dead or backlogged vendor burns a good part of a core.
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
